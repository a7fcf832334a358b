/** The SMS provider SMS_PROVIDER names; each lives in its own module beside this one. */
import type { Deps } from '../deps';
import { onePer } from '../memo';
import type { Settings, SmsProviderName } from '../settings';
import { aliyunProvider } from './aliyun';
import { consoleProvider } from './console';
import type { SmsProvider } from './provider';
import { tencentProvider } from './tencent';
import { webhookProvider } from './webhook';
import { yuntongxunProvider } from './yuntongxun';

type ProviderFactory = (settings: Settings, deps: Deps) => SmsProvider;

const PROVIDERS: Record<SmsProviderName, ProviderFactory> = {
  console: consoleProvider,
  webhook: webhookProvider,
  tencent: tencentProvider,
  aliyun: aliyunProvider,
  yuntongxun: yuntongxunProvider,
};

// Settings and deps are fixed per isolate, so the provider is built once for each pair.
const providerCache = onePer((settings: Settings) => onePer((deps: Deps) => PROVIDERS[settings.SMS_PROVIDER](settings, deps)));

export function smsProviderFor(settings: Settings, deps: Deps): SmsProvider {
  return providerCache(settings)(deps);
}
