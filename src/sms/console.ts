import type { SmsProvider } from './provider';

/** Development only (production refuses it): prints the code for the developer to type in. */
export const consoleProvider: SmsProvider = {
  async send({ mobile, code, ttlSeconds }) {
    console.log(`[sms:console] code for ${mobile}: ${code} (valid ${ttlSeconds}s)`);
  },
};
