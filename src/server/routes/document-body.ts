import { z } from 'zod';
import { MoatError } from '../../errors/index.js';
import type { MemoryContent } from '../../memory/index.js';

/** File types read as text; anything else is refused rather than guessed at. */
const TEXT_MEDIA_TYPES = ['text/plain', 'text/markdown', 'text/csv', 'application/json'] as const;

/**
 * A document to save: either `text`, or a `file` whose bytes come base64-encoded inside the
 * JSON body. The whole body is held in memory and bounded by `server.maxBodyBytes`; the file
 * is decoded and read in memory, never written anywhere.
 */
export const documentBodySchema = z
  .strictObject({
    text: z.string().min(1).optional(),
    file: z
      .strictObject({
        name: z.string().min(1).max(255),
        media_type: z.string().min(1).max(100),
        data_base64: z.string().min(1),
      })
      .optional(),
    title: z.string().min(1).max(500).optional(),
    data_class: z.string().min(1).max(32).optional(),
    retention_seconds: z.number().int().min(1).optional(),
  })
  .refine((body) => (body.text === undefined) !== (body.file === undefined), {
    error: 'must have exactly one of text and file',
  });

export const DOCUMENT_FIELDS = ['text', 'file', 'title', 'data_class', 'retention_seconds'];

export type DocumentBody = z.output<typeof documentBodySchema>;

/** The document's content; the file, if any, decoded and checked to be UTF-8 text. */
export function documentContent(body: DocumentBody, maxDocumentBytes: number): MemoryContent {
  const text = body.file === undefined ? (body.text ?? '') : readFileText(body.file);
  if (Buffer.byteLength(text, 'utf8') > maxDocumentBytes) {
    throw new MoatError('invalid_request', {
      detail: `The document is longer than memory.maxDocumentBytes (${maxDocumentBytes} bytes).`,
      param: body.file === undefined ? 'text' : 'file.data_base64',
    });
  }
  return {
    text,
    ...(body.title === undefined ? {} : { title: body.title }),
    ...(body.file === undefined ? {} : { fileName: body.file.name }),
  };
}

function readFileText(file: { media_type: string; data_base64: string }): string {
  const mediaType = file.media_type.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!(TEXT_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new MoatError('unsupported_file_type', { param: 'file.media_type' });
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.data_base64)) {
    throw new MoatError('invalid_request', {
      detail: 'Field file.data_base64 must be standard base64.',
      param: 'file.data_base64',
    });
  }

  const bytes = Buffer.from(file.data_base64, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MoatError('unsupported_file_type', {
      detail: 'The file is not valid UTF-8 text.',
      param: 'file.data_base64',
    });
  } finally {
    bytes.fill(0);
  }
}
