// A stand-in for Tencent Captcha's TCaptcha.js (served by server.mjs): `show()` opens a
// dialog; "验证" fetches a ticket and calls back with ret 0, closing it calls back with ret 2.
(() => {
  const origin = new URL(document.currentScript.src).origin;
  window.TencentCaptcha = class {
    constructor(appId, callback, options = {}) {
      this.appId = appId;
      this.callback = callback;
      this.en = options.userLanguage === 'en';
    }

    show() {
      const dialog = document.createElement('div');
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-label', this.en ? 'Tencent Captcha' : '腾讯验证码');
      const verify = document.createElement('button');
      verify.type = 'button';
      verify.textContent = this.en ? 'Verify' : '验证';
      const close = document.createElement('button');
      close.type = 'button';
      close.textContent = this.en ? 'Close' : '关闭';
      verify.addEventListener('click', async () => {
        const response = await fetch(`${origin}/tencent/ticket`, { method: 'POST', body: JSON.stringify({ appId: this.appId }) });
        const { ticket, randstr } = await response.json();
        dialog.remove();
        this.callback({ ret: 0, ticket, randstr, CaptchaAppId: this.appId });
      });
      close.addEventListener('click', () => {
        dialog.remove();
        this.callback({ ret: 2, CaptchaAppId: this.appId });
      });
      dialog.append(verify, close);
      document.body.append(dialog);
    }
  };
})();
