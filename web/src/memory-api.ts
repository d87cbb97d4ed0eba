import type { MoatApi } from './api-client.js';
import type { ChatMessage } from './conversation.js';

/** An item as `GET /v1/memory` lists it: metadata only, times in Unix seconds. */
export interface ItemSummary {
  id: string;
  kind: 'chat' | 'document';
  data_class: string;
  created_at: number;
  expires_at: number;
}

/** An item opened for its owner. */
export interface OpenedItem extends ItemSummary {
  title: string | null;
  file_name: string | null;
  text: string;
  messages: { role: string; content: string }[] | null;
}

/** The retention a save of this kind gets, and the longest it may ask for. */
export interface RetentionLimits {
  default_seconds: number;
  max_seconds: number;
}

/** A signed deletion receipt, as Moat issues it; shown and handed over as it came. */
export interface DeletionReceipt {
  keyId: string;
  signature: string;
  payload: {
    receiptId: string;
    kind: string;
    items: { count: number; hashedIds: string[] };
    keysDestroyed: { role: string; keyId: string }[];
    destroyedAt: string;
    unrecoverableAfter: string;
  };
}

/**
 * Item ids come from Moat's own answers; one is put into a path only when it has exactly
 * the shape Moat gives ids, so nothing else can ever become part of a URL.
 */
function itemPath(id: string): string {
  if (!/^mem_[0-9a-f]{32}$/.test(id)) throw new Error('not an item id');
  return `/v1/memory/${id}`;
}

export async function chatRetention(api: MoatApi): Promise<RetentionLimits> {
  return api.getJson<RetentionLimits>('/v1/memory/retention?kind=chat');
}

/** Saves the conversation as it is on screen; no inference runs. */
export async function saveChat(
  api: MoatApi,
  request: { messages: readonly ChatMessage[]; retentionSeconds: number },
): Promise<ItemSummary> {
  return api.sendJson<ItemSummary>('POST', '/v1/memory/chats', {
    messages: request.messages,
    retention_seconds: request.retentionSeconds,
  });
}

export async function listItems(api: MoatApi): Promise<ItemSummary[]> {
  return (await api.getJson<{ data: ItemSummary[] }>('/v1/memory?limit=1000')).data;
}

export async function openItem(api: MoatApi, id: string): Promise<OpenedItem> {
  return api.getJson<OpenedItem>(itemPath(id));
}

export async function deleteItem(api: MoatApi, id: string): Promise<DeletionReceipt> {
  return (await api.sendJson<{ receipt: DeletionReceipt }>('DELETE', itemPath(id))).receipt;
}

export async function eraseEverything(api: MoatApi): Promise<DeletionReceipt> {
  return (await api.sendJson<{ receipt: DeletionReceipt }>('DELETE', '/v1/memory')).receipt;
}
