import MarkdownIt from 'markdown-it';

/**
 * Markdown that cannot run or fetch anything: raw HTML is escaped, and links, images and
 * bare URLs are left as plain text, so an answer can neither load a remote resource nor
 * send a click anywhere. The output is the only HTML this page ever assigns.
 */
const renderer = new MarkdownIt('default', {
  html: false,
  linkify: false,
  typographer: false,
}).disable(['link', 'image', 'autolink', 'html_inline', 'html_block']);

export function renderMarkdown(text: string): string {
  return renderer.render(text);
}
