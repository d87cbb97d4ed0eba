import { z } from 'zod';

/** A saved exchange's message, as stored inside the sealed content. */
export interface StoredMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What an item holds, sealed as JSON under its data key. Nothing of it is stored in clear. */
export interface MemoryContent {
  title?: string | undefined;
  /** A document's text, or for a chat the answer. */
  text: string;
  /** A chat's request messages. */
  messages?: StoredMessage[] | undefined;
  /** The uploaded file's name, if the document came from a file. */
  fileName?: string | undefined;
}

const contentSchema = z.object({
  title: z.string().optional(),
  text: z.string(),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .optional(),
  fileName: z.string().optional(),
});

export function encodeContent(content: MemoryContent): Buffer {
  return Buffer.from(JSON.stringify(content), 'utf8');
}

/** Decodes opened content; a blob that opens but does not parse is treated as corrupt. */
export function decodeContent(bytes: Buffer): MemoryContent {
  return contentSchema.parse(JSON.parse(bytes.toString('utf8')));
}

/** Every piece of text the item holds, for the blind index. */
export function searchableText(content: MemoryContent): string {
  const parts = [content.title ?? '', content.fileName ?? '', content.text];
  for (const message of content.messages ?? []) parts.push(message.content);
  return parts.join('\n');
}
