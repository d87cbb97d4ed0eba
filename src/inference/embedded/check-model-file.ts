import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { readGgufHeader, validateGgufForEngine } from '../gguf/gguf-reader.js';
import type { GgufModelFacts } from '../gguf/validate-gguf-for-engine.js';
import { longestTokenBytes } from './token-length-bound.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface ModelFileFacts extends GgufModelFacts {
  sizeBytes: number;
  /** The most bytes of input one token covers; undefined when the tokenizer rewrites text. */
  longestTokenBytes: number | undefined;
}

async function sha256Of(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function verifySha256(filePath: string, expectedSha256: string): Promise<void> {
  const expected = expectedSha256.toLowerCase();
  if (!SHA256_HEX.test(expected)) {
    throw new Error(`The expected SHA-256 for model file ${filePath} is not 64 hex characters.`);
  }
  const actual = await sha256Of(filePath);
  if (actual !== expected) {
    throw new Error(
      `Model file ${filePath} does not match its expected SHA-256 (sha256 in the model's ` +
        'configuration); refusing to load it. Replace the file or correct the digest.',
    );
  }
}

/**
 * Everything that can be checked before a file reaches llama.cpp: that it is the file the
 * operator pinned, and that its header and metadata will not crash the engine.
 */
export async function checkModelFile(
  filePath: string,
  expectedSha256?: string,
): Promise<ModelFileFacts> {
  const { size: sizeBytes } = await stat(filePath);
  if (expectedSha256 !== undefined) await verifySha256(filePath, expectedSha256);

  const { metadata } = await readGgufHeader(filePath);
  const facts = validateGgufForEngine(metadata, filePath);
  return { ...facts, sizeBytes, longestTokenBytes: longestTokenBytes(metadata) };
}
