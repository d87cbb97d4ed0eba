/** A small deterministic random source, so that a generated model is the same on every machine. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Normally distributed with mean 0 and the given standard deviation. */
  gaussian(standardDeviation: number): number;
}

/**
 * mulberry32: 32 bits of state, good enough spread for weights and nothing more. Not for
 * anything secret.
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };

  // Box-Muller; 1 - next() keeps the logarithm's argument above zero.
  const gaussian = (standardDeviation: number): number => {
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    return radius * Math.cos(2 * Math.PI * next()) * standardDeviation;
  };

  return { next, gaussian };
}
