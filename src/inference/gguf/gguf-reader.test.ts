import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GgufValue } from './gguf-format.js';
import { parseGgufHeader, readGgufHeader } from './gguf-reader.js';
import { encodeGguf, writeGgufFile, type GgufWriteInput } from './gguf-writer.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'moat-test-gguf-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const sample: GgufWriteInput = {
  metadata: new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.alignment', { type: 'uint32', value: 64 }],
    ['count', { type: 'int32', value: -7 }],
    ['ratio', { type: 'float32', value: 0.5 }],
    ['flag', { type: 'bool', value: true }],
    ['big', { type: 'uint64', value: 2n ** 40n }],
    ['words', { type: 'array', itemType: 'string', value: ['▁the', '日本', '🙂', ''] }],
    ['scores', { type: 'array', itemType: 'float32', value: [1.5, -2.25, 0] }],
    ['types', { type: 'array', itemType: 'int32', value: [1, 6, -1] }],
  ]),
  tensors: [
    { name: 'a.weight', dimensions: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    { name: 'b.weight', dimensions: [5], data: Float32Array.from([9, 8, 7, 6, 5]) },
  ],
};

/** A hand-made header: magic, version 3, no tensors, one key whose value is `valueBytes`. */
function headerWith(valueBytes: Buffer): Buffer {
  const key = Buffer.from('k');
  const fixed = Buffer.alloc(4 + 4 + 8 + 8 + 8);
  fixed.write('GGUF', 0, 'latin1');
  fixed.writeUInt32LE(3, 4);
  fixed.writeBigUInt64LE(0n, 8);
  fixed.writeBigUInt64LE(1n, 16);
  fixed.writeBigUInt64LE(BigInt(key.length), 24);
  return Buffer.concat([fixed, key, valueBytes]);
}

describe('GGUF writer and reader', () => {
  it('round-trips metadata, tensor infos and tensor data', async () => {
    const filePath = join(folder, 'sample.gguf');
    await writeGgufFile(filePath, sample);

    const header = await readGgufHeader(filePath);
    expect(header.version).toBe(3);
    expect(header.alignmentBytes).toBe(64);
    expect(header.dataOffsetBytes % 64).toBe(0);
    expect([...header.metadata.entries()]).toEqual([...sample.metadata.entries()]);
    expect(header.tensors.map(({ name, dimensions }) => ({ name, dimensions }))).toEqual([
      { name: 'a.weight', dimensions: [3, 2] },
      { name: 'b.weight', dimensions: [5] },
    ]);

    const bytes = await readFile(filePath);
    const second = header.tensors[1];
    expect(second?.offsetBytes).toBe(64);
    const start = header.dataOffsetBytes + (second?.offsetBytes ?? 0);
    const data = new Float32Array(bytes.buffer.slice(start, start + 20));
    expect([...data]).toEqual([9, 8, 7, 6, 5]);
  });

  it('parses the same bytes in memory', () => {
    const header = parseGgufHeader(encodeGguf(sample));
    expect(header.metadata.get('words')).toEqual(sample.metadata.get('words'));
  });

  it('refuses a tensor whose data does not match its dimensions', () => {
    const tensor = { name: 'x', dimensions: [4], data: new Float32Array(3) };
    expect(() => encodeGguf({ metadata: new Map(), tensors: [tensor] })).toThrow(/wrong number/);
  });
});

describe('GGUF reader on untrusted bytes', () => {
  const rejects = async (bytes: Buffer, problem: RegExp): Promise<void> => {
    const filePath = join(folder, 'bad.gguf');
    await writeFile(filePath, bytes);
    const failure = readGgufHeader(filePath);
    await expect(failure).rejects.toThrow(problem);
    await expect(failure).rejects.toThrow(filePath);
  };

  it('rejects a file that is not GGUF', async () => {
    await rejects(Buffer.from('not a model at all, just text'), /not GGUF/);
  });

  it('rejects an unsupported version', async () => {
    const bytes = encodeGguf(sample);
    bytes.writeUInt32LE(1, 4);
    await rejects(bytes, /version 1 is not supported/);
  });

  it('rejects a truncated header', async () => {
    await rejects(encodeGguf(sample).subarray(0, 120), /ends inside the header/);
  });

  it('rejects a string longer than the limit without allocating it', async () => {
    const value = Buffer.alloc(12);
    value.writeUInt32LE(8, 0);
    value.writeBigUInt64LE(2n ** 40n, 4);
    await rejects(headerWith(value), /longer than/);
  });

  it('rejects an array that declares more items than the file holds', async () => {
    const value = Buffer.alloc(16);
    value.writeUInt32LE(9, 0);
    value.writeUInt32LE(6, 4);
    value.writeBigUInt64LE(1_000_000n, 8);
    await rejects(headerWith(value), /more items than the file can hold/);
  });

  it('rejects an unknown value type', async () => {
    const value = Buffer.alloc(4);
    value.writeUInt32LE(99, 0);
    await rejects(headerWith(value), /unknown type/);
  });

  it('rejects absurd counts before reading further', async () => {
    const bytes = encodeGguf(sample);
    bytes.writeBigUInt64LE(2n ** 62n, 16);
    await rejects(bytes, /metadata count/);
  });
});
