// A stand-in for Cloudflare Turnstile's api.js (served by server.mjs): `turnstile.render`
// draws a button in the container; pressing it fetches a token and calls `callback`.
(() => {
  const origin = new URL(document.currentScript.src).origin;
  const widgets = new Map();
  let seq = 0;
  window.turnstile = {
    render(container, options) {
      const id = `fake-turnstile-${++seq}`;
      const en = options.language === 'en';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-outline btn-block';
      button.textContent = en ? 'Verify you are human' : '确认您是真人';
      button.addEventListener('click', async () => {
        button.disabled = true;
        const response = await fetch(`${origin}/turnstile/token`, { method: 'POST', body: JSON.stringify({ sitekey: options.sitekey }) });
        const { token } = await response.json();
        button.textContent = en ? 'Success!' : '成功！';
        options.callback(token);
      });
      container.append(button);
      widgets.set(id, button);
      return id;
    },
    remove(id) {
      widgets.get(id)?.remove();
      widgets.delete(id);
    },
  };
})();
