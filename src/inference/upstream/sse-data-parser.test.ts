import { describe, expect, it } from 'vitest';

import { SseDataParser } from './sse-data-parser.js';

const LIMITS = { maxLineChars: 1024, maxEventChars: 4096 };

/** Feeds the pieces in order and returns every event's data. */
function parse(pieces: readonly string[]): string[] {
  const parser = new SseDataParser(LIMITS);
  return pieces.flatMap((piece) => parser.push(piece));
}

/** Every way of cutting `text` in two. */
function everySplit(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, at) => [text.slice(0, at), text.slice(at)]);
}

describe('SseDataParser', () => {
  it('returns the data of each event once its blank line arrives', () => {
    const parser = new SseDataParser(LIMITS);

    expect(parser.push('data: {"a":1}\n')).toEqual([]);
    expect(parser.push('\ndata: {"b":2}\n\ndata: [DONE]\n\n')).toEqual([
      '{"a":1}',
      '{"b":2}',
      '[DONE]',
    ]);
  });

  it('gives the same events wherever the text is cut, for every line ending', () => {
    for (const lineEnd of ['\n', '\r\n', '\r']) {
      const text = ['data: one', '', 'data: two', '', ''].join(lineEnd);

      for (const pieces of everySplit(text)) {
        expect(parse(pieces), JSON.stringify(pieces)).toEqual(['one', 'two']);
      }
    }
  });

  it('joins the data lines of one event with a line feed', () => {
    expect(parse(['data: first\ndata:second\ndata\n\n'])).toEqual(['first\nsecond\n']);
  });

  it('skips comments, other fields and blank lines between events', () => {
    const text =
      ': keep-alive\n\nevent: message\nid: 7\nretry: 10\ndata: kept\n\n\n\ndataset: no\n\n';

    expect(parse([text])).toEqual(['kept']);
  });

  it('drops an event the stream ends in the middle of', () => {
    expect(parse(['data: complete\n\ndata: cut'])).toEqual(['complete']);
  });

  it('refuses a line longer than its limit', () => {
    const parser = new SseDataParser({ maxLineChars: 16, maxEventChars: 4096 });

    expect(() => parser.push(`data: ${'x'.repeat(32)}`)).toThrow(RangeError);
  });

  it('refuses an event whose data lines together pass the event limit', () => {
    const parser = new SseDataParser({ maxLineChars: 16, maxEventChars: 40 });
    const line = `data: ${'x'.repeat(9)}\n`;

    expect(parser.push(line.repeat(4))).toEqual([]);
    expect(() => parser.push(line)).toThrow(/more than 40 characters/);
  });

  it('counts the event limit afresh for each event', () => {
    const parser = new SseDataParser({ maxLineChars: 16, maxEventChars: 40 });
    const event = `${`data: ${'x'.repeat(9)}\n`.repeat(4)}\n`;

    expect(parser.push(event.repeat(3))).toHaveLength(3);
  });
});
