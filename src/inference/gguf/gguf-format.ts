/**
 * The parts of the GGUF container format that Moat reads and writes.
 *
 * @see https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;

export const GGUF_VERSION = 3;

/** Where tensor data starts and how each tensor is padded, unless `general.alignment` says. */
export const GGUF_DEFAULT_ALIGNMENT_BYTES = 32;

/** The metadata value types, by their numeric tag in the file. */
export const GGUF_VALUE_TYPES = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPES;

/** Byte width of each fixed-size scalar type. */
export const GGUF_SCALAR_BYTES = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  uint64: 8,
  int64: 8,
  float64: 8,
} as const;

export type GgufScalarTypeName = keyof typeof GGUF_SCALAR_BYTES;

/** The ggml tensor types Moat writes; the reader passes any other tag through as a number. */
export const GGML_TYPES = {
  f32: 0,
  f16: 1,
} as const;

/** Token kinds in `tokenizer.ggml.token_type`, as llama.cpp numbers them. */
export const GGUF_TOKEN_TYPES = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

/**
 * A metadata value with its type. Numbers of 64-bit types are bigints so that nothing is
 * rounded; arrays hold values of one element type.
 */
export type GgufValue =
  | { type: 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32'; value: number }
  | { type: 'float32' | 'float64'; value: number }
  | { type: 'uint64' | 'int64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: GgufValueTypeName; value: readonly GgufArrayItem[] };

export type GgufArrayItem = number | bigint | boolean | string | readonly GgufArrayItem[];

export type GgufMetadata = ReadonlyMap<string, GgufValue>;

export interface GgufTensorInfo {
  name: string;
  /** Sizes per dimension, innermost first: `dimensions[0]` is the input width of a matrix. */
  dimensions: readonly number[];
  /** The ggml type tag (0 = F32, 1 = F16, …). */
  ggmlType: number;
  /** Offset of the tensor's data from the start of the data section. */
  offsetBytes: number;
}
