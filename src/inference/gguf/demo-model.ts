import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDemoVocabulary, type DemoVocabulary } from './demo-vocabulary.js';
import type { GgufValue } from './gguf-format.js';
import { encodeGguf, type GgufTensorInput } from './gguf-writer.js';
import { createSeededRandom, type SeededRandom } from './seeded-random.js';

/** The demo model's shape: small enough to load at once and to answer a token a millisecond. */
const DEMO_SHAPE = {
  embeddingLength: 48,
  feedForwardLength: 96,
  headCount: 4,
  blockCount: 2,
  contextLength: 4096,
} as const;

const DEMO_SEED = 0x6d6f6174;

/**
 * How the output layer steers random weights towards readable text. Every token embedding
 * holds `anchor` in dimension 0, and the small random blocks barely move it, so after the
 * final norm that dimension is a stable positive signal. Ordinary pieces get a large positive
 * output weight on it and bytes and control pieces a large negative one, which keeps answers
 * valid UTF-8; the end markers sit in between, so an answer ends by itself now and then.
 */
const STEERING = {
  anchor: 4,
  printableWeight: 3,
  fragmentWeight: 2,
  suppressedWeight: -3,
  endWeight: 3.1,
  embeddingNoise: 1,
  outputNoise: 0.4,
  attentionNoise: 0.08,
  feedForwardNoise: 0.08,
} as const;

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']" +
  " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}" +
  "{{ '<|im_start|>assistant\\n' }}{% endif %}";

const DEMO_FILE_NAME = 'demo.gguf';

function matrix(
  name: string,
  [inputSize, outputSize]: readonly [number, number],
  weight: (row: number, column: number) => number,
): GgufTensorInput {
  const data = new Float32Array(inputSize * outputSize);
  for (let row = 0; row < outputSize; row++) {
    for (let column = 0; column < inputSize; column++) {
      data[row * inputSize + column] = weight(row, column);
    }
  }
  return { name, dimensions: [inputSize, outputSize], data };
}

function ones(name: string, size: number): GgufTensorInput {
  return { name, dimensions: [size], data: new Float32Array(size).fill(1) };
}

function outputWeight(vocabulary: DemoVocabulary): (tokenId: number) => number {
  const weights = new Map<number, number>();
  for (const id of vocabulary.printableTokenIds) weights.set(id, STEERING.printableWeight);
  for (const id of vocabulary.fragmentTokenIds) weights.set(id, STEERING.fragmentWeight);
  weights.set(vocabulary.eosTokenId, STEERING.endWeight);
  weights.set(vocabulary.chatEndTokenId, STEERING.endWeight);
  return (tokenId) => weights.get(tokenId) ?? STEERING.suppressedWeight;
}

function blockTensors(block: number, random: SeededRandom): GgufTensorInput[] {
  const { embeddingLength: width, feedForwardLength: hidden } = DEMO_SHAPE;
  const attention = (): number => random.gaussian(STEERING.attentionNoise);
  const feedForward = (): number => random.gaussian(STEERING.feedForwardNoise);
  const prefix = `blk.${block}`;
  return [
    ones(`${prefix}.attn_norm.weight`, width),
    matrix(`${prefix}.attn_q.weight`, [width, width], attention),
    matrix(`${prefix}.attn_k.weight`, [width, width], attention),
    matrix(`${prefix}.attn_v.weight`, [width, width], attention),
    matrix(`${prefix}.attn_output.weight`, [width, width], attention),
    ones(`${prefix}.ffn_norm.weight`, width),
    matrix(`${prefix}.ffn_gate.weight`, [width, hidden], feedForward),
    matrix(`${prefix}.ffn_up.weight`, [width, hidden], feedForward),
    matrix(`${prefix}.ffn_down.weight`, [hidden, width], feedForward),
  ];
}

/** Weights in GGUF order: `ne[0]` is a matrix's input width, so `token_embd` is [width, vocab]. */
function demoTensors(vocabulary: DemoVocabulary): GgufTensorInput[] {
  const random = createSeededRandom(DEMO_SEED);
  const shape = [DEMO_SHAPE.embeddingLength, vocabulary.pieces.length] as const;
  const steer = outputWeight(vocabulary);

  const tokenEmbedding = matrix('token_embd.weight', shape, (_, column) =>
    column === 0 ? STEERING.anchor : random.gaussian(STEERING.embeddingNoise),
  );
  const blocks = Array.from({ length: DEMO_SHAPE.blockCount }, (_, block) =>
    blockTensors(block, random),
  ).flat();
  const output = matrix('output.weight', shape, (tokenId, column) =>
    column === 0 ? steer(tokenId) : random.gaussian(STEERING.outputNoise),
  );
  return [
    tokenEmbedding,
    ...blocks,
    ones('output_norm.weight', DEMO_SHAPE.embeddingLength),
    output,
  ];
}

const uint32 = (value: number): GgufValue => ({ type: 'uint32', value });
const float32 = (value: number): GgufValue => ({ type: 'float32', value });
const text = (value: string): GgufValue => ({ type: 'string', value });

function demoMetadata(vocabulary: DemoVocabulary): Map<string, GgufValue> {
  const headSize = DEMO_SHAPE.embeddingLength / DEMO_SHAPE.headCount;
  return new Map<string, GgufValue>([
    ['general.architecture', text('llama')],
    ['general.name', text('moat-demo')],
    ['general.alignment', uint32(32)],
    ['llama.context_length', uint32(DEMO_SHAPE.contextLength)],
    ['llama.embedding_length', uint32(DEMO_SHAPE.embeddingLength)],
    ['llama.feed_forward_length', uint32(DEMO_SHAPE.feedForwardLength)],
    ['llama.block_count', uint32(DEMO_SHAPE.blockCount)],
    ['llama.attention.head_count', uint32(DEMO_SHAPE.headCount)],
    ['llama.attention.head_count_kv', uint32(DEMO_SHAPE.headCount)],
    ['llama.attention.layer_norm_rms_epsilon', float32(1e-5)],
    ['llama.rope.dimension_count', uint32(headSize)],
    ['llama.rope.freq_base', float32(10_000)],
    ['tokenizer.ggml.model', text('llama')],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocabulary.pieces }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'float32', value: vocabulary.scores }],
    [
      'tokenizer.ggml.token_type',
      { type: 'array', itemType: 'int32', value: vocabulary.tokenTypes },
    ],
    ['tokenizer.ggml.bos_token_id', uint32(vocabulary.bosTokenId)],
    ['tokenizer.ggml.eos_token_id', uint32(vocabulary.eosTokenId)],
    ['tokenizer.ggml.unknown_token_id', uint32(vocabulary.unknownTokenId)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', text(CHATML_TEMPLATE)],
  ]);
}

/** The demo model's bytes; the same on every machine and every run. */
export function encodeDemoModel(): Buffer {
  const vocabulary = buildDemoVocabulary();
  return encodeGguf({ metadata: demoMetadata(vocabulary), tensors: demoTensors(vocabulary) });
}

/**
 * Writes the demo model: a tiny llama-architecture GGUF with random weights, steered so that
 * its word salad is valid text. Nothing is downloaded.
 */
export async function writeDemoModel(filePath: string): Promise<void> {
  await writeFile(filePath, encodeDemoModel());
}

async function exists(filePath: string): Promise<boolean> {
  return access(filePath).then(
    () => true,
    () => false,
  );
}

/**
 * Returns the path of `<dataDir>/models/demo.gguf`, creating the file when it is missing.
 * The file is written under a temporary name in the same folder and renamed into place, so
 * a crash or a concurrent start never leaves a half-written model behind.
 */
export async function ensureDemoModel(dataDir: string): Promise<string> {
  const modelsDir = join(dataDir, 'models');
  const filePath = join(modelsDir, DEMO_FILE_NAME);
  if (await exists(filePath)) return filePath;

  await mkdir(modelsDir, { recursive: true });
  const temporaryPath = join(modelsDir, `.${DEMO_FILE_NAME}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeDemoModel(temporaryPath);
    await rename(temporaryPath, filePath);
  } finally {
    await rm(temporaryPath, { force: true });
  }
  return filePath;
}
