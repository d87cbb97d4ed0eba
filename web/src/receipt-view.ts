import { timeElement } from './dates.js';
import { button } from './dialog.js';
import { element } from './dom.js';
import type { DeletionReceipt } from './memory-api.js';

const KIND_WORDS: Readonly<Record<string, string>> = {
  'item-deletion': 'One item deleted',
  'owner-erasure': 'Everything erased, your memory key included',
  'retention-expiry': 'Expired and deleted',
};

/**
 * A signed deletion receipt: what it vouches for in words, the exact JSON Moat signed, and
 * ways to keep it (copy, download) so it can be checked later with `moat receipt verify`.
 */
export function createReceiptView(receipt: DeletionReceipt): HTMLElement {
  const { payload } = receipt;
  const json = JSON.stringify(receipt, null, 2);
  const status = element('span', { className: 'muted', attributes: { 'aria-live': 'polite' } });

  const facts = element('dl', { className: 'receipt-facts' }, [
    ...fact('What', KIND_WORDS[payload.kind] ?? payload.kind),
    ...fact('Items', String(payload.items.count)),
    ...fact('Item ids (SHA-256)', code(payload.items.hashedIds.join('\n') || 'none')),
    ...fact(
      'Keys destroyed',
      code(payload.keysDestroyed.map((key) => `${key.role} ${key.keyId}`).join('\n') || 'none'),
    ),
    ...fact('Destroyed at', timeElement(new Date(payload.destroyedAt), true)),
    ...fact('No copy readable after', timeElement(new Date(payload.unrecoverableAfter), true)),
    ...fact('Signed by key', code(receipt.keyId)),
  ]);
  const copy = button('Copy receipt', () => {
    navigator.clipboard.writeText(json).then(
      () => (status.textContent = 'Copied.'),
      () => (status.textContent = 'Copying failed; select the text below instead.'),
    );
  });
  const download = button('Download receipt', () => {
    downloadJson(`${payload.receiptId}.json`, json);
  });

  return element('section', { className: 'receipt', attributes: { 'aria-label': 'Receipt' } }, [
    element('h3', { text: `Deletion receipt ${payload.receiptId}` }),
    facts,
    element('div', { className: 'receipt-actions' }, [copy, download, status]),
    element('pre', { className: 'receipt-json', text: json }),
  ]);
}

function code(text: string): HTMLElement {
  return element('code', { text });
}

function fact(term: string, value: string | Node): HTMLElement[] {
  return [element('dt', { text: term }), element('dd', {}, [value])];
}

/** A file made in the page from text it already holds; nothing is fetched. */
function downloadJson(fileName: string, json: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const link = element('a', { attributes: { href: url, download: fileName } });
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
}
