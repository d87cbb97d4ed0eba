import type { MemoryItemMetadata } from '../../store/index.js';
import type { OpenedItem } from '../../memory/index.js';

/** An item's metadata on the wire; times in Unix seconds, as OpenAI's objects have them. */
export function toWireMetadata(metadata: MemoryItemMetadata): object {
  return {
    id: metadata.id,
    object: 'memory.item',
    kind: metadata.kind,
    data_class: metadata.dataClass,
    created_at: Math.floor(metadata.createdAt.getTime() / 1000),
    expires_at: Math.floor(metadata.expiresAt.getTime() / 1000),
    size_bytes: metadata.sizeBytes,
    key_id: metadata.keyId,
  };
}

/** An opened item on the wire: metadata plus the decrypted content, for its owner only. */
export function toWireItem(item: OpenedItem): object {
  const { content } = item;
  return {
    ...toWireMetadata(item.metadata),
    title: content.title ?? null,
    file_name: content.fileName ?? null,
    text: content.text,
    messages: content.messages ?? null,
  };
}
