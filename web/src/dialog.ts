import { element } from './dom.js';

export interface Dialog {
  root: HTMLDialogElement;
  body: HTMLElement;
  actions: HTMLElement;
  /** Opens as a modal; focus goes to `focus` (or the first control) and back on close. */
  open(focus?: HTMLElement): void;
  close(): void;
}

/**
 * A modal built on the platform's `<dialog>`: the browser keeps focus inside it, Escape
 * closes it, and it is removed from the page once closed, so nothing it showed lingers.
 */
export function createDialog(title: string, host: HTMLElement): Dialog {
  const heading = element('h2', { text: title });
  const body = element('div', { className: 'dialog-body' });
  const actions = element('div', { className: 'dialog-actions' });
  const root = element('dialog', { className: 'dialog', attributes: { 'aria-label': title } }, [
    heading,
    body,
    actions,
  ]);
  let opener: Element | null = null;

  root.addEventListener('close', () => {
    root.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });

  return {
    root,
    body,
    actions,
    open(focus) {
      opener = document.activeElement;
      host.append(root);
      root.showModal();
      (focus ?? root.querySelector<HTMLElement>('input, button'))?.focus();
    },
    close() {
      root.close();
    },
  };
}

/** A button that runs `onClick`; `type=button` so it never submits a form by accident. */
export function button(
  text: string,
  onClick: () => void,
  options: { className?: string; label?: string } = {},
): HTMLButtonElement {
  const created = element('button', {
    text,
    attributes: {
      type: 'button',
      ...(options.label === undefined ? {} : { 'aria-label': options.label }),
    },
    ...(options.className === undefined ? {} : { className: options.className }),
  });
  created.addEventListener('click', onClick);
  return created;
}
