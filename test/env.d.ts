declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    KV: KVNamespace;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
  /** The worker's default export, as `exports.default` of cloudflare:workers. */
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
}
