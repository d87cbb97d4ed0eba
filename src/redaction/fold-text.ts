const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xfee0;

/**
 * Full-width forms (`ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`) folded to ASCII, one code unit for one,
 * so that every offset found in the folded text is an offset in the original too.
 */
export function foldFullWidth(text: string): string {
  if (!/[\uff01-\uff5e\u3000]/u.test(text)) return text;

  let folded = '';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST) {
      folded += String.fromCharCode(code - FULL_WIDTH_OFFSET);
    } else {
      folded += code === 0x3000 ? ' ' : (text[index] ?? '');
    }
  }
  return folded;
}
