import { randomBytes } from 'node:crypto';
import { blindTokens, deriveIndexKey, open, seal, wipe, type SecretKey } from '../crypto/index.js';
import { MoatError } from '../errors/index.js';
import type { MemoryItemMetadata, MemoryKind, MoatStore } from '../store/index.js';
import {
  decodeContent,
  encodeContent,
  searchableText,
  type MemoryContent,
} from './memory-content.js';
import { contentContext, type ItemIds, type MemoryKeyring } from './memory-keyring.js';
import type { MemoryAudit } from './memory-audit.js';
import type { RetentionPolicy } from './retention-policy.js';

/** Turns text on its way into memory into what may be stored (redaction's "memory" direction). */
export type MemoryTextFilter = (text: string) => Promise<string>;

export interface MemoryServiceOptions {
  store: MoatStore;
  keyring: MemoryKeyring;
  policy: RetentionPolicy;
  /** Applied to every piece of text before it is sealed. @default keeps text as it is */
  filterText?: MemoryTextFilter;
  /** Where saves are accounted for. @default records nothing */
  audit?: MemoryAudit;
}

/** What saving needs besides the content. */
export interface SaveRequest {
  ownerId: string;
  kind: MemoryKind;
  dataClass: string;
  retentionSeconds?: number | undefined;
  /** The request field the retention wish came in, for errors. */
  retentionParam: string;
}

/** An item opened for its owner. */
export interface OpenedItem {
  metadata: MemoryItemMetadata;
  content: MemoryContent;
}

/** Most items one search or list answers with. */
export const MAX_LIST_ITEMS = 1000;

/**
 * Saving, reading and searching memory. Every item is sealed under its own data key, which
 * is wrapped under the owner's key; the store sees ciphertext, keyed tokens and metadata.
 */
export class MemoryService {
  readonly #options: MemoryServiceOptions;

  constructor(options: MemoryServiceOptions) {
    this.#options = options;
  }

  /**
   * Saves one item. The data key is stored before the item, so a crash in between leaves a
   * key without an item (removed by the sweeper), never an item without its key.
   */
  async save(request: SaveRequest, content: MemoryContent): Promise<MemoryItemMetadata> {
    const { store, keyring, policy } = this.#options;
    const retentionMs = policy.retentionMs({
      kind: request.kind,
      dataClass: request.dataClass,
      retentionSeconds: request.retentionSeconds,
      param: request.retentionParam,
    });
    const filtered = await this.#filter(content);

    const ids: ItemIds = { ownerId: request.ownerId, itemId: newItemId() };
    const ownerKey = await requireKey(keyring.ownerKey(ids.ownerId, true));
    const itemKey = await keyring.createItemKey(ownerKey, ids);
    const tokens = indexTokens(ownerKey, filtered);
    ownerKey.destroy();

    const plaintext = encodeContent(filtered);
    const sealed = seal(itemKey, plaintext, contentContext(ids));
    wipe(plaintext);
    itemKey.destroy();

    const createdAt = new Date();
    const metadata: MemoryItemMetadata = {
      id: ids.itemId,
      ownerId: ids.ownerId,
      kind: request.kind,
      dataClass: request.dataClass,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + retentionMs),
      sizeBytes: sealed.length,
      keyId: itemKey.id,
    };
    await store.memory.insert({ ...metadata, content: sealed, vector: null }, tokens);
    await this.#options.audit?.saved(metadata.ownerId, metadata.id);
    return metadata;
  }

  /** The owner's item, opened; undefined for a missing item, another owner's, or a shredded one. */
  async get(ownerId: string, itemId: string): Promise<OpenedItem | undefined> {
    const record = await this.#options.store.memory.find(ownerId, itemId);
    if (record === undefined) return undefined;

    const ownerKey = await this.#options.keyring.ownerKey(ownerId, false);
    if (ownerKey === undefined) return undefined;
    const ids = { ownerId, itemId };
    const itemKey = await this.#options.keyring.itemKey(ownerKey, ids);
    ownerKey.destroy();
    if (itemKey === undefined) return undefined;

    try {
      const opened = open(itemKey, record.content, contentContext(ids));
      const content = decodeContent(opened);
      wipe(opened);
      return { metadata: metadataOf(record), content };
    } finally {
      itemKey.destroy();
    }
  }

  /** The owner's items, newest first, metadata only. */
  async list(ownerId: string, limit: number): Promise<MemoryItemMetadata[]> {
    return this.#options.store.memory.list(ownerId, Math.min(limit, MAX_LIST_ITEMS));
  }

  /**
   * The owner's items holding the most words of `query`, opened. The query is turned into
   * the owner's keyed tokens; the store never sees it.
   */
  async search(
    ownerId: string,
    query: string,
    limit: number,
  ): Promise<(OpenedItem & { score: number })[]> {
    const ownerKey = await this.#options.keyring.ownerKey(ownerId, false);
    if (ownerKey === undefined) return [];
    const tokens = indexTokens(ownerKey, { text: query });
    ownerKey.destroy();
    if (tokens.length === 0) return [];

    const matches = await this.#options.store.memory.matchTokens(ownerId, tokens, limit);
    const found: (OpenedItem & { score: number })[] = [];
    for (const match of matches) {
      const item = await this.get(ownerId, match.id);
      if (item !== undefined) found.push({ ...item, score: match.hits / tokens.length });
    }
    return found;
  }

  async #filter(content: MemoryContent): Promise<MemoryContent> {
    const filter = this.#options.filterText;
    if (filter === undefined) return content;
    return {
      ...content,
      text: await filter(content.text),
      ...(content.title === undefined ? {} : { title: await filter(content.title) }),
      ...(content.fileName === undefined ? {} : { fileName: await filter(content.fileName) }),
      ...(content.messages === undefined
        ? {}
        : {
            messages: await Promise.all(
              content.messages.map(async (message) => ({
                role: message.role,
                content: await filter(message.content),
              })),
            ),
          }),
    };
  }
}

function metadataOf(record: MemoryItemMetadata): MemoryItemMetadata {
  const { id, ownerId, kind, dataClass, createdAt, expiresAt, sizeBytes, keyId } = record;
  return { id, ownerId, kind, dataClass, createdAt, expiresAt, sizeBytes, keyId };
}

function indexTokens(ownerKey: SecretKey, content: MemoryContent): string[] {
  const indexKey = deriveIndexKey(ownerKey);
  try {
    return blindTokens(indexKey, searchableText(content));
  } finally {
    indexKey.destroy();
  }
}

async function requireKey(key: Promise<SecretKey | undefined>): Promise<SecretKey> {
  const resolved = await key;
  if (resolved === undefined) throw new MoatError('internal_error');
  return resolved;
}

/** `mem_` and 128 random bits in hex: ids cannot be guessed or enumerated. */
function newItemId(): string {
  return `mem_${randomBytes(16).toString('hex')}`;
}

/** True when `id` has the shape of an item id; anything else is a 404 without a lookup. */
export function isItemId(id: string): boolean {
  return /^mem_[0-9a-f]{32}$/.test(id);
}
