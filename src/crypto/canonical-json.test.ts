import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    const value = { b: 1, a: [{ z: true, y: null }, 'x'], c: { e: 'é', d: -0.5 } };
    expect(canonicalJson(value)).toBe(
      '{"a":[{"y":null,"z":true},"x"],"b":1,"c":{"d":-0.5,"e":"é"}}',
    );
  });

  it('gives the same text after a parse and re-serialise round trip', () => {
    const value = {
      '\u00e9': 1,
      e: 2,
      E: 3,
      '\ud83d\ude00': 4,
      '10': 5,
      '9': 6,
      nested: { q: [1e21, 0.1] },
    };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
    expect(text).toBe('{"10":5,"9":6,"E":3,"e":2,"nested":{"q":[1e+21,0.1]},"é":1,"😀":4}');
  });

  it('accepts null-prototype objects', () => {
    const value = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
    expect(canonicalJson(value)).toBe('{"a":1,"b":2}');
  });

  it('refuses values JSON cannot carry, naming where they are', () => {
    const holey: unknown[] = [1];
    holey[2] = 3;
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const cases: [unknown, RegExp][] = [
      [undefined, /the value is of type undefined/],
      [{ a: undefined }, /^Only plain JSON can be signed: a is of type undefined\./],
      [{ list: [1, () => 1] }, /list\[1\] is of type function/],
      [{ n: Number.NaN }, /n is not a finite number/],
      [{ n: Infinity }, /not a finite number/],
      [{ big: 1n }, /big is of type bigint/],
      [{ s: Symbol('x') }, /s is of type symbol/],
      [{ when: new Date(0) }, /when is not a plain object/],
      [{ bytes: Buffer.from('x') }, /bytes is not a plain object/],
      [{ map: new Map() }, /not a plain object/],
      [holey, /\[1\] is a hole/],
      [{ [Symbol('k')]: 1 }, /has symbol keys/],
      [cyclic, /self refers back to itself/],
    ];
    for (const [value, expected] of cases) {
      expect(() => canonicalJson(value)).toThrow(expected);
    }
  });

  it('accepts a repeated, non-cyclic reference', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('refuses nesting deeper than 64 levels', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 70; level++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/nested deeper than 64/);
  });
});
