import { describe, expect, it } from 'vitest';
import { describeError } from './error-words.js';

describe('describeError', () => {
  it.each([
    ['rate_limited', 429, 'You are sending requests too fast. Wait a moment, then try again.'],
    ['unknown', 429, 'You are sending requests too fast. Wait a moment, then try again.'],
    ['model_busy', 503, 'The model is busy with other people’s requests. Try again in a moment.'],
    ['network', 0, 'Moat cannot be reached. Check your connection.'],
    ['memory_item_not_found', 404, 'That item no longer exists: it was deleted or has expired.'],
  ])('says %s (%i) in plain words', (code, status, words) => {
    expect(describeError(code, status, 'what Moat said')).toBe(words);
  });

  it('names the classes a block reported, and nothing else from the message', () => {
    expect(
      describeError('content_blocked', 422, 'The content holds data that policy blocks: SECRET.'),
    ).toBe(
      'This was blocked by your organisation’s data policy and went nowhere. It holds: SECRET.',
    );
    expect(describeError('content_blocked', 422, 'blocks: alice@example.org.')).toBe(
      'This was blocked by your organisation’s data policy and went nowhere.',
    );
  });

  it('falls back to what Moat said for a code it has no words for', () => {
    expect(describeError('invalid_request', 400, 'Field x is wrong.')).toBe('Field x is wrong.');
  });
});
