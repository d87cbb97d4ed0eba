import { writeFile } from 'node:fs/promises';
import {
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT_BYTES,
  GGUF_MAGIC,
  GGUF_SCALAR_BYTES,
  GGUF_VALUE_TYPES,
  GGUF_VERSION,
  type GgufArrayItem,
  type GgufScalarTypeName,
  type GgufValue,
  type GgufValueTypeName,
} from './gguf-format.js';

/** One F32 tensor to write. */
export interface GgufTensorInput {
  name: string;
  /** Sizes per dimension, innermost first, as GGUF stores them. */
  dimensions: readonly number[];
  data: Float32Array;
}

export interface GgufWriteInput {
  /** Key/value pairs in file order. `general.alignment` (uint32), if present, sets alignment. */
  metadata: ReadonlyMap<string, GgufValue>;
  tensors: readonly GgufTensorInput[];
}

/** A little-endian byte buffer that grows as it is written. */
class ByteBuilder {
  private bytes = Buffer.alloc(64 * 1024);
  private lengthBytes = 0;

  get length(): number {
    return this.lengthBytes;
  }

  /** Grows the buffer by `extraBytes` and returns where they start. Read `bytes` after it. */
  reserve(extraBytes: number): number {
    const start = this.lengthBytes;
    const needed = start + extraBytes;
    if (needed > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, start);
      this.bytes = grown;
    }
    this.lengthBytes = needed;
    return start;
  }

  uint32(value: number): void {
    const offset = this.reserve(4);
    this.bytes.writeUInt32LE(value, offset);
  }

  uint64(value: number | bigint): void {
    const offset = this.reserve(8);
    this.bytes.writeBigUInt64LE(BigInt(value), offset);
  }

  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.uint64(encoded.length);
    const offset = this.reserve(encoded.length);
    encoded.copy(this.bytes, offset);
  }

  scalar(type: GgufScalarTypeName, value: GgufArrayItem): void {
    const offset = this.reserve(GGUF_SCALAR_BYTES[type]);
    SCALAR_WRITERS[type](this.bytes, offset, value);
  }

  padTo(alignmentBytes: number): void {
    const remainder = this.lengthBytes % alignmentBytes;
    if (remainder !== 0) this.reserve(alignmentBytes - remainder);
  }

  copyIn(source: Uint8Array): void {
    const offset = this.reserve(source.byteLength);
    this.bytes.set(source, offset);
  }

  toBuffer(): Buffer {
    return this.bytes.subarray(0, this.lengthBytes);
  }
}

function toBigInt(value: GgufArrayItem): bigint {
  return typeof value === 'bigint' ? value : BigInt(Number(value));
}

type ScalarWriter = (target: Buffer, offset: number, value: GgufArrayItem) => void;

const SCALAR_WRITERS: Record<GgufScalarTypeName, ScalarWriter> = {
  uint8: (target, offset, value) => target.writeUInt8(Number(value), offset),
  int8: (target, offset, value) => target.writeInt8(Number(value), offset),
  uint16: (target, offset, value) => target.writeUInt16LE(Number(value), offset),
  int16: (target, offset, value) => target.writeInt16LE(Number(value), offset),
  uint32: (target, offset, value) => target.writeUInt32LE(Number(value), offset),
  int32: (target, offset, value) => target.writeInt32LE(Number(value), offset),
  float32: (target, offset, value) => target.writeFloatLE(Number(value), offset),
  bool: (target, offset, value) => target.writeUInt8(value === true ? 1 : 0, offset),
  uint64: (target, offset, value) => target.writeBigUInt64LE(toBigInt(value), offset),
  int64: (target, offset, value) => target.writeBigInt64LE(toBigInt(value), offset),
  float64: (target, offset, value) => target.writeDoubleLE(Number(value), offset),
};

function writeItem(builder: ByteBuilder, type: GgufValueTypeName, item: GgufArrayItem): void {
  if (type === 'array') throw new Error('gguf writer: nested arrays are not supported');
  if (type === 'string') builder.string(String(item));
  else builder.scalar(type, item);
}

function writeValue(builder: ByteBuilder, value: GgufValue): void {
  builder.uint32(GGUF_VALUE_TYPES[value.type]);
  if (value.type !== 'array') {
    writeItem(builder, value.type, value.value);
    return;
  }

  builder.uint32(GGUF_VALUE_TYPES[value.itemType]);
  builder.uint64(value.value.length);
  for (const item of value.value) writeItem(builder, value.itemType, item);
}

function alignmentOf(metadata: ReadonlyMap<string, GgufValue>): number {
  const declared = metadata.get('general.alignment');
  if (declared === undefined) return GGUF_DEFAULT_ALIGNMENT_BYTES;
  if (declared.type !== 'uint32') throw new Error('gguf writer: general.alignment must be uint32');
  return declared.value;
}

function checkTensor(tensor: GgufTensorInput): void {
  const elementCount = tensor.dimensions.reduce((product, size) => product * size, 1);
  if (elementCount !== tensor.data.length) {
    throw new Error(`gguf writer: tensor ${tensor.name} has the wrong number of elements`);
  }
}

/** Lays the tensors out one after another, each starting on an alignment boundary. */
function tensorOffsets(tensors: readonly GgufTensorInput[], alignmentBytes: number): number[] {
  const offsets: number[] = [];
  let nextOffsetBytes = 0;
  for (const tensor of tensors) {
    offsets.push(nextOffsetBytes);
    const endBytes = nextOffsetBytes + tensor.data.byteLength;
    nextOffsetBytes = Math.ceil(endBytes / alignmentBytes) * alignmentBytes;
  }
  return offsets;
}

/** Encodes a GGUF v3 file with F32 tensors. */
export function encodeGguf(input: GgufWriteInput): Buffer {
  const alignmentBytes = alignmentOf(input.metadata);
  input.tensors.forEach(checkTensor);
  const offsets = tensorOffsets(input.tensors, alignmentBytes);
  const builder = new ByteBuilder();

  builder.uint32(GGUF_MAGIC);
  builder.uint32(GGUF_VERSION);
  builder.uint64(input.tensors.length);
  builder.uint64(input.metadata.size);
  for (const [key, value] of input.metadata) {
    builder.string(key);
    writeValue(builder, value);
  }

  input.tensors.forEach((tensor, index) => {
    builder.string(tensor.name);
    builder.uint32(tensor.dimensions.length);
    for (const size of tensor.dimensions) builder.uint64(size);
    builder.uint32(GGML_TYPES.f32);
    builder.uint64(offsets[index] ?? 0);
  });

  // Float32Array bytes are copied as they lie in memory: little-endian on every host Node
  // and llama.cpp's prebuilt binaries support, which is what GGUF requires.
  for (const tensor of input.tensors) {
    builder.padTo(alignmentBytes);
    builder.copyIn(
      new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength),
    );
  }
  return builder.toBuffer();
}

/** Writes a GGUF v3 file; see `encodeGguf`. */
export async function writeGgufFile(filePath: string, input: GgufWriteInput): Promise<void> {
  await writeFile(filePath, encodeGguf(input));
}
