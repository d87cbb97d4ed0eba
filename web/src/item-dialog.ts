import { fromUnixSeconds, timeElement } from './dates.js';
import { button, createDialog } from './dialog.js';
import { element } from './dom.js';
import { renderMarkdown } from './markdown.js';
import type { OpenedItem } from './memory-api.js';

/**
 * Shows one opened item. What the person wrote is shown as text; answers and documents as
 * the same safe Markdown the chat uses (no raw HTML, links or images). Closing the dialog
 * removes it, and with it the decrypted content, from the page.
 */
export function showItemDialog(item: OpenedItem, host: HTMLElement): void {
  const dialog = createDialog(item.kind === 'chat' ? 'Saved chat' : 'Saved document', host);
  dialog.body.append(
    element('p', { className: 'muted' }, [
      'Saved ',
      timeElement(fromUnixSeconds(item.created_at)),
      ', deleted on ',
      timeElement(fromUnixSeconds(item.expires_at)),
      '.',
    ]),
    ...(item.title === null ? [] : [element('h3', { text: item.title })]),
    ...(item.file_name === null ? [] : [element('p', { text: `File: ${item.file_name}` })]),
    element('div', { className: 'item-content' }, contentOf(item)),
  );
  const close = button('Close', () => {
    dialog.close();
  });
  dialog.actions.append(close);
  dialog.open(close);
}

function contentOf(item: OpenedItem): HTMLElement[] {
  const turns = (item.messages ?? []).map((message) => turn(message.role, message.content));
  if (item.text === '') return turns;
  return [...turns, turn(item.kind === 'chat' ? 'assistant' : 'document', item.text)];
}

function turn(role: string, text: string): HTMLElement {
  const body = element('div', { className: 'message-body' });
  if (role === 'user' || role === 'system') body.textContent = text;
  else body.innerHTML = renderMarkdown(text);
  const label = { user: 'You', assistant: 'Answer', system: 'System', document: 'Text' }[role];
  return element('article', { className: `turn ${role}` }, [
    element('h4', { className: 'turn-label', text: label ?? role }),
    body,
  ]);
}
