/**
 * The one script of the hosted pages (bundled to /assets/pages-<hash>.js by
 * scripts/build-pages.mjs). It only talks to this worker's JSON routes, sets text with
 * textContent (never HTML), and navigates only to a `next` the server accepted.
 */
import { accountPage } from './account';
import { callbackPage } from './callback';
import { unbusyOnRestore } from './dom';
import { wireReveal } from './forms';
import { loginPage } from './login';
import { body } from './page';
import { wireSendCode } from './sms';

const PAGES: Record<string, () => void> = { login: loginPage, callback: callbackPage, account: accountPage };

unbusyOnRestore();
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-reveal]')) wireReveal(button);
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-send-code]')) wireSendCode(button);
PAGES[body.dataset.page ?? '']?.();
