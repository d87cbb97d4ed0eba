import { describe, expect, it } from 'vitest';
import { TextDeltaGuard } from './text-delta-guard.js';

describe('TextDeltaGuard', () => {
  it('passes ordinary text straight through', () => {
    const guard = new TextDeltaGuard();
    expect(guard.push('the river ')).toBe('the river ');
    expect(guard.push('日本 🙂')).toBe('日本 🙂');
    expect(guard.flush()).toBe('');
  });

  it('holds the first half of a surrogate pair until the second arrives', () => {
    const [high, low] = ['🙂'.charAt(0), '🙂'.charAt(1)];
    const guard = new TextDeltaGuard();
    expect(guard.push(`ok ${high}`)).toBe('ok ');
    expect(guard.push(`${low}!`)).toBe('🙂!');
  });

  it('replaces halves that can never pair, so every delta encodes as UTF-8', () => {
    const guard = new TextDeltaGuard();
    expect(guard.push('a\uDC00b')).toBe('a\uFFFDb');
    expect(guard.push('c\uD83D')).toBe('c');
    expect(guard.push('d')).toBe('\uFFFDd');
    expect(guard.push('\uD83D')).toBe('');
    expect(guard.flush()).toBe('\uFFFD');
  });
});
