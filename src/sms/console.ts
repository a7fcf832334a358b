import type { SmsProvider } from './provider';

/** Development only (production refuses it): prints the code for the developer to type in. */
export function consoleProvider(): SmsProvider {
  return {
    async send({ mobile, code, ttlSeconds }) {
      // The one line allowed to hold a code: this provider exists to show it locally.
      console.log(`[sms:console] code for ${mobile}: ${code} (valid ${ttlSeconds}s)`);
    },
  };
}
