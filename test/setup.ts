import { applyD1Migrations, type D1Migration } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

const migrations: unknown = Reflect.get(env, 'TEST_MIGRATIONS');
await applyD1Migrations(env.DB, migrations as D1Migration[]);
