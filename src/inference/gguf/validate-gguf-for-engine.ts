import type { GgufArrayItem, GgufMetadata, GgufValue } from './gguf-format.js';

/**
 * Per-architecture hyperparameters llama.cpp reads. It treats the last two as optional and
 * then divides by them, so a file without them kills the whole process instead of failing
 * to load; every one is checked here before the engine sees the file.
 */
const TRANSFORMER_KEYS = [
  'context_length',
  'embedding_length',
  'block_count',
  'feed_forward_length',
  'attention.head_count',
] as const;

/**
 * Architectures whose every block has attention and a feed-forward layer: a zero in their
 * per-block arrays asks llama.cpp for an empty tensor, which aborts the process. Hybrid
 * architectures use zeros on purpose, so elsewhere only an all-zero array is refused.
 */
const DENSE_ARCHITECTURES = ['llama', 'qwen2', 'qwen3', 'gemma', 'gemma2', 'gemma3', 'phi3'];

/** Recurrent architectures have no attention heads or feed-forward width to check. */
const RECURRENT_ARCHITECTURES = ['mamba', 'mamba2', 'rwkv6', 'rwkv6qwen2', 'rwkv7', 'arwkv7'];
const RECURRENT_KEYS = ['context_length', 'embedding_length', 'block_count'] as const;

const TOKEN_ID_KEYS = [
  'tokenizer.ggml.bos_token_id',
  'tokenizer.ggml.eos_token_id',
  'tokenizer.ggml.unknown_token_id',
  'tokenizer.ggml.padding_token_id',
] as const;

/** Only names of this shape are echoed in errors; anything else in the file stays unquoted. */
const ARCHITECTURE_NAME = /^[a-z0-9_.-]{1,32}$/;

/** What the engine will be asked to run, as the file declares it. */
export interface GgufModelFacts {
  architecture: string;
  contextLength: number;
  embeddingLength: number;
  vocabularySize: number;
}

class GgufCheck {
  constructor(
    private readonly metadata: GgufMetadata,
    private readonly filePath: string,
  ) {}

  fail(problem: string): never {
    throw new Error(`GGUF file ${this.filePath} cannot be loaded: ${problem}`);
  }

  require(key: string): GgufValue {
    return this.metadata.get(key) ?? this.fail(`metadata key "${key}" is missing`);
  }

  string(key: string): string {
    const value = this.require(key);
    return value.type === 'string' ? value.value : this.fail(`"${key}" is not a string`);
  }

  has(key: string): boolean {
    return this.metadata.has(key);
  }

  /** A non-negative integer, or one per block when the file gives an array. */
  integers(key: string, blockCount?: number): number[] {
    const value = this.require(key);
    const items: readonly GgufArrayItem[] = value.type === 'array' ? value.value : [value.value];
    const numbers = items.map((item) => (typeof item === 'bigint' ? Number(item) : item));
    const isWellFormed = numbers.every((item) => Number.isSafeInteger(item) && Number(item) >= 0);
    if (!isWellFormed || numbers.length === 0) this.fail(`"${key}" must hold integers`);
    if (value.type === 'array' && blockCount !== undefined && numbers.length !== blockCount) {
      this.fail(`"${key}" must have one entry per block`);
    }
    return numbers as number[];
  }

  /** Like `integers`, and at least one of them is above zero. */
  positive(key: string, blockCount?: number, rule: 'some' | 'every' = 'some'): number[] {
    const numbers = this.integers(key, blockCount);
    const isPositive = (item: number): boolean => item > 0;
    const isValid = rule === 'every' ? numbers.every(isPositive) : numbers.some(isPositive);
    return isValid ? numbers : this.fail(`"${key}" must be positive`);
  }

  arrayLength(key: string): number | undefined {
    const value = this.metadata.get(key);
    if (value === undefined) return undefined;
    return value.type === 'array' ? value.value.length : this.fail(`"${key}" is not an array`);
  }
}

function checkHeads(check: GgufCheck, architecture: string, blockCount: number): void {
  const rule = DENSE_ARCHITECTURES.includes(architecture) ? 'every' : 'some';
  const embeddingLength = check.positive(`${architecture}.embedding_length`)[0] ?? 0;
  const headCounts = check.positive(`${architecture}.attention.head_count`, blockCount, rule);
  check.positive(`${architecture}.feed_forward_length`, blockCount, rule);
  const headCountsKv = check.has(`${architecture}.attention.head_count_kv`)
    ? check.positive(`${architecture}.attention.head_count_kv`, blockCount, rule)
    : headCounts;

  const hasExplicitHeadSize = check.has(`${architecture}.attention.key_length`);
  headCounts.forEach((headCount, index) => {
    if (headCount === 0) return;
    if (!hasExplicitHeadSize && embeddingLength % headCount !== 0) {
      check.fail(`"${architecture}.embedding_length" is not a multiple of the head count`);
    }
    const headCountKv = headCountsKv[Math.min(index, headCountsKv.length - 1)] ?? headCount;
    if (headCountKv === 0 || headCount % headCountKv !== 0) {
      check.fail(`"${architecture}.attention.head_count_kv" does not divide the head count`);
    }
  });
}

function checkTokenizer(check: GgufCheck): number {
  const tokenizerModel = check.string('tokenizer.ggml.model');
  const vocabularySize = check.arrayLength('tokenizer.ggml.tokens');
  if (tokenizerModel === 'none') return vocabularySize ?? 0;
  if (vocabularySize === undefined || vocabularySize === 0) {
    check.fail('metadata key "tokenizer.ggml.tokens" is missing');
  }

  for (const key of ['tokenizer.ggml.scores', 'tokenizer.ggml.token_type']) {
    const length = check.arrayLength(key);
    if (length !== undefined && length !== vocabularySize) {
      check.fail(`"${key}" does not have one entry per token`);
    }
  }
  for (const key of TOKEN_ID_KEYS) {
    if (!check.has(key)) continue;
    const tokenId = check.integers(key)[0] ?? 0;
    if (tokenId >= vocabularySize) check.fail(`"${key}" is not a token of the vocabulary`);
  }
  return vocabularySize;
}

/**
 * Checks that a GGUF file's metadata has everything llama.cpp needs for its architecture,
 * before the file reaches the engine. Throws an error naming the file (by path) and the
 * missing or bad key; it never quotes values from the file.
 */
export function validateGgufForEngine(metadata: GgufMetadata, filePath: string): GgufModelFacts {
  const check = new GgufCheck(metadata, filePath);
  const architecture = check.string('general.architecture');
  if (!ARCHITECTURE_NAME.test(architecture)) check.fail('"general.architecture" is not a name');

  const isRecurrent = RECURRENT_ARCHITECTURES.includes(architecture);
  for (const key of isRecurrent ? RECURRENT_KEYS : TRANSFORMER_KEYS) {
    check.require(`${architecture}.${key}`);
  }
  const blockCount = check.positive(`${architecture}.block_count`)[0] ?? 0;
  if (!isRecurrent) checkHeads(check, architecture, blockCount);

  return {
    architecture,
    contextLength: check.positive(`${architecture}.context_length`)[0] ?? 0,
    embeddingLength: check.positive(`${architecture}.embedding_length`)[0] ?? 0,
    vocabularySize: checkTokenizer(check),
  };
}
