/** Elements of the rendered pages: lookups, views, alerts, busy buttons and avatars. */
import { body, t } from './page';

/** The element with this id, of this kind; a missing one is a bug in the page. */
export function byId(id: string): HTMLElement;
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T;
export function byId(id: string, kind: new () => HTMLElement = HTMLElement): HTMLElement {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`the page has no #${id}`);
  return el;
}

/** Shows the `[data-view]` section `name` and hides the others. */
export function showView(name: string): void {
  for (const view of document.querySelectorAll<HTMLElement>('[data-view]')) view.hidden = view.dataset.view !== name;
  const heading = document.querySelector<HTMLElement>(`[data-view="${name}"] h1`);
  if (!heading) return;
  if (body.dataset.page === 'callback') document.title = `${heading.textContent ?? ''} · ${body.dataset.site ?? ''}`;
  // Moves screen readers (and the keyboard) to what just appeared.
  if (heading.hasAttribute('tabindex')) heading.focus();
}

export function showAlert(el: HTMLElement, message: string): void {
  el.textContent = message;
  el.hidden = false;
}

export function hideAlert(el: HTMLElement | null): void {
  if (!el) return;
  el.textContent = '';
  el.hidden = true;
}

export function setBusy(button: HTMLButtonElement, busy: boolean): void {
  const label = button.querySelector('.label') ?? button;
  if (busy) {
    if (!button.dataset.label) button.dataset.label = label.textContent ?? '';
    label.textContent = t.working;
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
  } else {
    if (button.dataset.label) label.textContent = button.dataset.label;
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}

export function isBusy(button: HTMLButtonElement): boolean {
  return button.getAttribute('aria-busy') === 'true';
}

/** A page restored from the back/forward cache must not keep a spinning button. */
export function unbusyOnRestore(): void {
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const button of document.querySelectorAll<HTMLButtonElement>('button[aria-busy="true"]')) setBusy(button, false);
  });
}

/**
 * The Confirm `name` (components.tsx) opens when `trigger` is pressed and closes on "no",
 * focus following; the caller wires "yes".
 */
export function wireConfirm(name: string, trigger: HTMLElement): { confirm: HTMLElement; yes: HTMLButtonElement } {
  const confirm = byId(`${name}-confirm`);
  const no = byId(`${name}-no`);
  trigger.addEventListener('click', () => {
    confirm.hidden = false;
    no.focus();
  });
  no.addEventListener('click', () => {
    confirm.hidden = true;
    trigger.focus();
  });
  return { confirm, yes: byId(`${name}-yes`, HTMLButtonElement) };
}

/** The avatar shows `url` (https only) over the first letter of `name`. */
export function setAvatar(el: HTMLElement, url: string | null | undefined, name: string | null | undefined): void {
  const img = el.querySelector('img');
  const initial = el.querySelector('.avatar-initial');
  if (!img || !initial) return;
  initial.textContent = (Array.from(name ?? '').find((ch) => ch.trim()) ?? '?').toUpperCase();
  img.hidden = true;
  if (typeof url !== 'string' || !/^https:\/\//i.test(url)) {
    img.removeAttribute('src');
    return;
  }
  img.onload = () => {
    img.hidden = false;
  };
  img.onerror = () => {
    img.hidden = true;
  };
  img.src = url;
}
