// `wrangler dev -c fakes/wrangler.toml`: one fake QQ per isolate, state kept in memory.
import { createFakeQQ, type FakeQQ, type FakeQQOptions } from './app';
import { createProviderFakes, serveByPrefix, type ProviderFakes } from './providers';

interface Env {
  FAKE_QQ_APP_ID?: string;
  FAKE_QQ_APP_KEY?: string;
  FAKE_QQ_LATENCY_MS?: string;
}

function optionsFrom(env: Env): FakeQQOptions {
  const latencyMs = env.FAKE_QQ_LATENCY_MS === undefined ? 0 : Number(env.FAKE_QQ_LATENCY_MS);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new Error('FAKE_QQ_LATENCY_MS must be a non-negative number of milliseconds');
  }
  return { appId: env.FAKE_QQ_APP_ID, appKey: env.FAKE_QQ_APP_KEY, latencyMs };
}

let fake: FakeQQ | undefined;
let providers: ProviderFakes | undefined;

export default {
  fetch(request, env) {
    fake ??= createFakeQQ(optionsFrom(env));
    // The SMS gateways and the captcha service under their prefixes (/sms/tencent...), QQ at the root.
    const log = (line: string): void => console.log(line);
    providers ??= createProviderFakes({ tencentSms: { log }, aliyunSms: { log }, yuntongxun: { log } });
    return serveByPrefix(providers.mounts, request) ?? fake.fetch(request);
  },
} satisfies ExportedHandler<Env>;
