// `wrangler dev -c fakes/wrangler.toml`: every fake service on one port (8788), each under
// its path prefix (see app.ts), state kept in memory, one set of fakes per isolate.
import { createFakes, type Fakes } from './app';
import type { FakeQQOptions } from './qq/state';

interface Env {
  FAKE_QQ_APP_ID?: string;
  FAKE_QQ_APP_KEY?: string;
  FAKE_QQ_LATENCY_MS?: string;
}

function qqOptions(env: Env): FakeQQOptions {
  const latencyMs = env.FAKE_QQ_LATENCY_MS === undefined ? 0 : Number(env.FAKE_QQ_LATENCY_MS);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new Error('FAKE_QQ_LATENCY_MS must be a non-negative number of milliseconds');
  }
  return { appId: env.FAKE_QQ_APP_ID, appKey: env.FAKE_QQ_APP_KEY, latencyMs };
}

let fakes: Fakes | undefined;

export default {
  fetch(request, env) {
    // The fake SMS gateways print what they deliver: on the dev server they stand in for the phone.
    const log = (line: string): void => console.log(line);
    fakes ??= createFakes({ qq: qqOptions(env), providers: { tencentSms: { log }, aliyunSms: { log }, yuntongxun: { log } } });
    return fakes.serve(request);
  },
} satisfies ExportedHandler<Env>;
