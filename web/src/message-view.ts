import { element } from './dom.js';
import { renderMarkdown } from './markdown.js';

/** A message on screen; answers are re-rendered as their text grows. */
export interface MessageView {
  root: HTMLElement;
  setText(text: string): void;
  setNote(text: string): void;
}

export function createMessageView(role: 'user' | 'assistant'): MessageView {
  const body = element('div', { className: 'message-body' });
  const note = element('p', { className: 'message-note' });
  const root = element('article', { className: `message ${role}` }, [
    element('h2', { className: 'sr-only', text: role === 'user' ? 'You said' : 'Answer' }),
    body,
    note,
  ]);
  let text = '';
  let isRenderPending = false;

  // Answers render at most once a frame, so a fast stream does not re-parse per token. The
  // answer is scrolled into view after it is drawn: scrolling before would miss the last
  // lines of pieces that arrive together.
  const render = (): void => {
    isRenderPending = false;
    if (role === 'user') body.textContent = text;
    else body.innerHTML = renderMarkdown(text);
    if (role === 'assistant') root.scrollIntoView({ block: 'end' });
  };
  if (role === 'assistant') root.append(copyButton(() => text));

  return {
    root,
    setText(next) {
      text = next;
      if (isRenderPending) return;
      isRenderPending = true;
      requestAnimationFrame(render);
    },
    setNote(next) {
      note.textContent = next;
    },
  };
}

function copyButton(readText: () => string): HTMLButtonElement {
  const button = element('button', {
    className: 'copy',
    text: 'Copy',
    attributes: { type: 'button', 'aria-label': 'Copy this answer' },
  });
  button.addEventListener('click', () => {
    navigator.clipboard
      .writeText(readText())
      .then(() => {
        button.textContent = 'Copied';
      })
      .catch(() => {
        button.textContent = 'Copy failed';
      });
  });
  return button;
}
