import { ApiError, type MoatApi } from './api-client.js';
import { fromUnixSeconds, timeElement } from './dates.js';
import { button, createDialog } from './dialog.js';
import { element, replaceChildren } from './dom.js';
import { showItemDialog } from './item-dialog.js';
import {
  deleteItem,
  eraseEverything,
  listItems,
  openItem,
  type DeletionReceipt,
  type ItemSummary,
} from './memory-api.js';
import { createReceiptView } from './receipt-view.js';

export interface MyDataView {
  root: HTMLElement;
  /** Lists the person's items afresh from Moat. */
  refresh(): Promise<void>;
}

export interface MyDataOptions {
  api: MoatApi;
  /** Called with the ids deleted, or with `everything` after an erasure. */
  onDeleted: (deleted: readonly string[] | 'everything') => void;
}

interface Parts extends MyDataOptions {
  root: HTMLElement;
  list: HTMLElement;
  receipts: HTMLElement;
  error: HTMLElement;
  eraseButton: HTMLButtonElement;
}

/**
 * Everything Moat keeps for the signed-in person: each item's kind, when it was saved and
 * when it will be deleted; opening, deleting, and erasing it all, each deletion with its
 * signed receipt. Only metadata is listed; content is opened one item at a time.
 */
export function createMyDataView(options: MyDataOptions): MyDataView {
  const parts: Parts = {
    ...options,
    root: element('section', { className: 'my-data', attributes: { 'aria-label': 'My data' } }),
    list: element('ul', { className: 'items', attributes: { 'aria-label': 'Saved items' } }),
    receipts: element('div', { className: 'receipts', attributes: { 'aria-live': 'polite' } }),
    error: element('p', { className: 'error', attributes: { role: 'alert' } }),
    eraseButton: button('Erase everything', () => {
      confirmErase(parts);
    }),
  };
  parts.eraseButton.classList.add('danger');
  parts.root.append(
    element('h2', { text: 'My data' }),
    element('p', {
      className: 'muted',
      text:
        'What Moat keeps for you, encrypted, each item under its own key. Deleting destroys ' +
        'the key and gives you a signed receipt that says so.',
    }),
    parts.list,
    element('div', { className: 'my-data-actions' }, [parts.eraseButton]),
    parts.error,
    parts.receipts,
  );
  return { root: parts.root, refresh: async () => refresh(parts) };
}

async function refresh(parts: Parts): Promise<void> {
  parts.error.textContent = '';
  parts.root.setAttribute('aria-busy', 'true');
  try {
    const items = await listItems(parts.api);
    replaceChildren(parts.list, ...items.map((item) => itemRow(parts, item)));
    if (items.length === 0) {
      parts.list.append(element('li', { className: 'empty', text: 'Nothing is stored for you.' }));
    }
    parts.eraseButton.disabled = items.length === 0;
  } catch (thrown) {
    showError(parts, 'Your items could not be listed.', thrown);
  } finally {
    parts.root.setAttribute('aria-busy', 'false');
  }
}

function itemRow(parts: Parts, item: ItemSummary): HTMLElement {
  const saved = fromUnixSeconds(item.created_at);
  const what = item.kind === 'chat' ? 'Chat' : 'Document';
  const label = `${what} saved ${saved.toLocaleString()}`;
  const dataClass = item.data_class === 'general' ? [] : [` (${item.data_class})`];
  return element('li', { className: 'item', attributes: { 'data-id': item.id } }, [
    element('span', { className: 'title' }, [
      element('strong', { className: 'kind', text: what }),
      ...dataClass,
      element('br'),
      element('span', { className: 'muted' }, [
        'Saved ',
        timeElement(saved),
        ' · deleted on ',
        timeElement(fromUnixSeconds(item.expires_at)),
      ]),
    ]),
    button('Open', () => void open(parts, item.id), { label: `Open ${label}` }),
    button('Delete', () => void remove(parts, item.id), { label: `Delete ${label}` }),
  ]);
}

async function open(parts: Parts, id: string): Promise<void> {
  parts.error.textContent = '';
  try {
    showItemDialog(await openItem(parts.api, id), parts.root);
  } catch (thrown) {
    showError(parts, 'The item could not be opened.', thrown);
  }
}

async function remove(parts: Parts, id: string): Promise<void> {
  parts.error.textContent = '';
  parts.root.setAttribute('aria-busy', 'true');
  try {
    const receipt = await deleteItem(parts.api, id);
    parts.onDeleted([id]);
    await refresh(parts);
    showReceipt(parts, receipt);
  } catch (thrown) {
    await refresh(parts);
    showError(parts, 'The deletion did not finish; try again to complete it.', thrown);
  }
}

function confirmErase(parts: Parts): void {
  const dialog = createDialog('Erase everything?', parts.root);
  dialog.body.append(
    element('p', {
      text:
        'This destroys every item Moat keeps for you and your memory key. No one, you ' +
        'included, can read them afterwards. It cannot be undone.',
    }),
  );
  const cancel = button('Cancel', () => {
    dialog.close();
  });
  const erase = button('Erase everything', () => {
    dialog.close();
    void eraseAll(parts);
  });
  erase.classList.add('danger');
  dialog.actions.append(erase, cancel);
  dialog.open(cancel);
}

async function eraseAll(parts: Parts): Promise<void> {
  parts.error.textContent = '';
  parts.root.setAttribute('aria-busy', 'true');
  try {
    const receipt = await eraseEverything(parts.api);
    parts.onDeleted('everything');
    await refresh(parts);
    showReceipt(parts, receipt);
  } catch (thrown) {
    await refresh(parts);
    showError(parts, 'Erasing did not finish; try again to complete it.', thrown);
  }
}

/**
 * The newest receipt first; earlier ones stay until the page is left. Focus moves to it,
 * since the button that was pressed may be gone with its item.
 */
function showReceipt(parts: Parts, receipt: DeletionReceipt): void {
  const view = createReceiptView(receipt);
  const heading = view.querySelector('h3');
  heading?.setAttribute('tabindex', '-1');
  parts.receipts.prepend(view);
  heading?.focus();
}

function showError(parts: Parts, what: string, thrown: unknown): void {
  const reason = thrown instanceof ApiError ? thrown.message : 'Something went wrong.';
  parts.error.textContent = `${what} ${reason}`;
}
