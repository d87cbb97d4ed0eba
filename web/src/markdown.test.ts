import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('renders emphasis, lists and code', () => {
    expect(renderMarkdown('**bold** and `code`\n\n- one\n- two')).toBe(
      '<p><strong>bold</strong> and <code>code</code></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n',
    );
  });

  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<div style="x">a</div>', '&lt;div style=&quot;x&quot;&gt;a&lt;/div&gt;'],
  ])('escapes raw HTML %#', (input, escaped) => {
    expect(renderMarkdown(input)).toContain(escaped);
  });

  it.each([
    '[click](javascript:alert(1))',
    '[site](https://example.org)',
    '![pixel](https://tracker.example/p.gif)',
    '<https://example.org>',
    'https://example.org',
  ])('makes no link or image of %s', (input) => {
    const html = renderMarkdown(input);
    expect(html).not.toMatch(/<a\b|<img\b|href=|src=/);
  });
});
