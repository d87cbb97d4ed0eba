import { open } from 'node:fs/promises';
import {
  GGUF_DEFAULT_ALIGNMENT_BYTES,
  GGUF_MAGIC,
  GGUF_SCALAR_BYTES,
  GGUF_VALUE_TYPES,
  type GgufArrayItem,
  type GgufMetadata,
  type GgufTensorInfo,
  type GgufValue,
  type GgufValueTypeName,
} from './gguf-format.js';

export { validateGgufForEngine } from './validate-gguf-for-engine.js';

/**
 * Bounds on what a GGUF header may declare. A model file is untrusted input: without them a
 * few corrupt bytes could ask for a billion-element array or a terabyte string.
 */
export const GGUF_READ_LIMITS = {
  maxHeaderBytes: 256 * 1024 * 1024,
  maxKeyBytes: 65_535,
  maxStringBytes: 4 * 1024 * 1024,
  maxArrayLength: 16 * 1024 * 1024,
  maxArrayDepth: 2,
  maxMetadataCount: 65_536,
  maxTensorCount: 1_048_576,
  maxTensorDimensions: 4,
} as const;

const SUPPORTED_VERSIONS = [2, 3] as const;
const FIRST_WINDOW_BYTES = 1024 * 1024;

export interface GgufHeader {
  version: number;
  metadata: GgufMetadata;
  tensors: readonly GgufTensorInfo[];
  alignmentBytes: number;
  /** Where the tensor data section starts in the file. */
  dataOffsetBytes: number;
}

/** Thrown inside the parser when the bytes read so far end before the header does. */
class WindowTooShort extends Error {}

/** Reads little-endian values from a window of the file, checking every length first. */
class HeaderCursor {
  private offsetBytes = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly fileSizeBytes: number,
  ) {}

  get position(): number {
    return this.offsetBytes;
  }

  get remainingFileBytes(): number {
    return this.fileSizeBytes - this.offsetBytes;
  }

  take(lengthBytes: number): number {
    const start = this.offsetBytes;
    if (start + lengthBytes > this.fileSizeBytes)
      throw new Error('the file ends inside the header');
    if (start + lengthBytes > this.bytes.length) throw new WindowTooShort();
    this.offsetBytes = start + lengthBytes;
    return start;
  }

  uint32(): number {
    return this.bytes.readUInt32LE(this.take(4));
  }

  /** A uint64 that must fit a safe integer, as every length and size Moat accepts does. */
  size(what: string): number {
    const value = this.bytes.readBigUInt64LE(this.take(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} is out of range`);
    return Number(value);
  }

  string(maxBytes: number, what: string): string {
    const lengthBytes = this.size(what);
    if (lengthBytes > maxBytes) throw new Error(`${what} is longer than ${maxBytes} bytes`);
    const start = this.take(lengthBytes);
    return this.bytes.toString('utf8', start, start + lengthBytes);
  }

  scalar(type: keyof typeof GGUF_SCALAR_BYTES): number | bigint | boolean {
    const at = this.take(GGUF_SCALAR_BYTES[type]);
    switch (type) {
      case 'uint8':
        return this.bytes.readUInt8(at);
      case 'int8':
        return this.bytes.readInt8(at);
      case 'uint16':
        return this.bytes.readUInt16LE(at);
      case 'int16':
        return this.bytes.readInt16LE(at);
      case 'uint32':
        return this.bytes.readUInt32LE(at);
      case 'int32':
        return this.bytes.readInt32LE(at);
      case 'float32':
        return this.bytes.readFloatLE(at);
      case 'bool':
        return this.bytes.readUInt8(at) !== 0;
      case 'uint64':
        return this.bytes.readBigUInt64LE(at);
      case 'int64':
        return this.bytes.readBigInt64LE(at);
      case 'float64':
        return this.bytes.readDoubleLE(at);
    }
  }
}

const TYPE_NAMES_BY_TAG = new Map<number, GgufValueTypeName>(
  Object.entries(GGUF_VALUE_TYPES).map(([name, tag]) => [tag, name as GgufValueTypeName]),
);

function readTypeTag(cursor: HeaderCursor): GgufValueTypeName {
  const typeName = TYPE_NAMES_BY_TAG.get(cursor.uint32());
  if (typeName === undefined) throw new Error('a metadata value has an unknown type');
  return typeName;
}

function readItem(cursor: HeaderCursor, type: GgufValueTypeName, depth: number): GgufArrayItem {
  if (type === 'string') return cursor.string(GGUF_READ_LIMITS.maxStringBytes, 'a string value');
  if (type === 'array') return readArray(cursor, depth + 1).value;
  return cursor.scalar(type);
}

function readArray(
  cursor: HeaderCursor,
  depth: number,
): { itemType: GgufValueTypeName; value: GgufArrayItem[] } {
  if (depth > GGUF_READ_LIMITS.maxArrayDepth) throw new Error('arrays are nested too deeply');
  const itemType = readTypeTag(cursor);
  const length = cursor.size('an array length');
  const minItemBytes =
    itemType === 'string' || itemType === 'array' ? 8 : GGUF_SCALAR_BYTES[itemType];

  if (
    length > GGUF_READ_LIMITS.maxArrayLength ||
    length * minItemBytes > cursor.remainingFileBytes
  ) {
    throw new Error('an array declares more items than the file can hold');
  }
  const value: GgufArrayItem[] = [];
  for (let index = 0; index < length; index++) value.push(readItem(cursor, itemType, depth));
  return { itemType, value };
}

function readValue(cursor: HeaderCursor): GgufValue {
  const type = readTypeTag(cursor);
  if (type === 'array') return { type, ...readArray(cursor, 1) };
  if (type === 'string') return { type, value: readItem(cursor, type, 0) as string };
  if (type === 'bool') return { type, value: cursor.scalar(type) as boolean };
  if (type === 'uint64' || type === 'int64') return { type, value: cursor.scalar(type) as bigint };
  return { type, value: cursor.scalar(type) as number };
}

function readMetadata(cursor: HeaderCursor, count: number): Map<string, GgufValue> {
  const metadata = new Map<string, GgufValue>();
  for (let index = 0; index < count; index++) {
    const key = cursor.string(GGUF_READ_LIMITS.maxKeyBytes, 'a metadata key');
    if (metadata.has(key)) throw new Error('a metadata key appears twice');
    metadata.set(key, readValue(cursor));
  }
  return metadata;
}

function readTensorInfo(cursor: HeaderCursor, alignmentBytes: number): GgufTensorInfo {
  const name = cursor.string(GGUF_READ_LIMITS.maxKeyBytes, 'a tensor name');
  const dimensionCount = cursor.uint32();
  if (dimensionCount < 1 || dimensionCount > GGUF_READ_LIMITS.maxTensorDimensions) {
    throw new Error('a tensor has an unsupported number of dimensions');
  }

  const dimensions: number[] = [];
  for (let index = 0; index < dimensionCount; index++) {
    dimensions.push(cursor.size('a tensor dimension'));
  }
  const ggmlType = cursor.uint32();
  const offsetBytes = cursor.size('a tensor offset');
  if (offsetBytes % alignmentBytes !== 0) throw new Error('a tensor offset is not aligned');
  return { name, dimensions, ggmlType, offsetBytes };
}

function readAlignment(metadata: GgufMetadata): number {
  const declared = metadata.get('general.alignment');
  if (declared === undefined) return GGUF_DEFAULT_ALIGNMENT_BYTES;
  const isPowerOfTwo =
    declared.type === 'uint32' &&
    declared.value > 0 &&
    (declared.value & (declared.value - 1)) === 0;
  if (!isPowerOfTwo) throw new Error('general.alignment is not a power of two');
  return declared.value;
}

function readCount(cursor: HeaderCursor, what: string, max: number): number {
  const count = cursor.size(what);
  if (count > max) throw new Error(`${what} is larger than ${max}`);
  return count;
}

/**
 * Parses a GGUF header from the first bytes of a file; throws WindowTooShort when it needs
 * more.
 */
function parseHeader(bytes: Buffer, fileSizeBytes: number): GgufHeader {
  const cursor = new HeaderCursor(bytes, fileSizeBytes);
  if (cursor.uint32() !== GGUF_MAGIC) throw new Error('the file is not GGUF (bad magic)');
  const version = cursor.uint32();
  if (!(SUPPORTED_VERSIONS as readonly number[]).includes(version)) {
    throw new Error(`GGUF version ${version} is not supported`);
  }

  const tensorCount = readCount(cursor, 'the tensor count', GGUF_READ_LIMITS.maxTensorCount);
  const metadataCount = readCount(cursor, 'the metadata count', GGUF_READ_LIMITS.maxMetadataCount);
  const metadata = readMetadata(cursor, metadataCount);
  const alignmentBytes = readAlignment(metadata);
  const tensors: GgufTensorInfo[] = [];
  for (let index = 0; index < tensorCount; index++) {
    tensors.push(readTensorInfo(cursor, alignmentBytes));
  }

  const dataOffsetBytes = Math.ceil(cursor.position / alignmentBytes) * alignmentBytes;
  if (tensors.some((tensor) => dataOffsetBytes + tensor.offsetBytes > fileSizeBytes)) {
    throw new Error('a tensor starts beyond the end of the file');
  }
  return { version, metadata, tensors, alignmentBytes, dataOffsetBytes };
}

/**
 * Parses a GGUF header held in memory. `bytes` must hold at least the whole header.
 * Errors say what is wrong in Moat's own words and never quote the file's content.
 */
export function parseGgufHeader(bytes: Buffer, fileSizeBytes = bytes.length): GgufHeader {
  try {
    return parseHeader(bytes, fileSizeBytes);
  } catch (error) {
    if (error instanceof WindowTooShort) throw new Error('the header is incomplete');
    throw error;
  }
}

/**
 * Reads the header, metadata and tensor infos of a GGUF file (not the tensor data), growing
 * the window it reads until the header fits or `GGUF_READ_LIMITS.maxHeaderBytes` is reached.
 */
export async function readGgufHeader(filePath: string): Promise<GgufHeader> {
  const handle = await open(filePath, 'r');
  try {
    const fileSizeBytes = (await handle.stat()).size;
    for (let windowBytes = FIRST_WINDOW_BYTES; ; windowBytes *= 2) {
      const readBytes = Math.min(windowBytes, fileSizeBytes, GGUF_READ_LIMITS.maxHeaderBytes);
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(readBytes), 0, readBytes, 0);
      try {
        return parseHeader(buffer.subarray(0, bytesRead), fileSizeBytes);
      } catch (error) {
        const canGrow = readBytes < fileSizeBytes && readBytes < GGUF_READ_LIMITS.maxHeaderBytes;
        if (error instanceof WindowTooShort && canGrow) continue;
        if (error instanceof WindowTooShort) throw new Error('the header is too large');
        throw error;
      }
    }
  } catch (error) {
    const problem = error instanceof Error ? error.message : 'unreadable';
    throw new Error(`GGUF file ${filePath} is not usable: ${problem}`, { cause: error });
  } finally {
    await handle.close();
  }
}
