import { describe, expect, it } from 'vitest';
import { SecretDetector } from './secret-detector.js';

const detector = new SecretDetector();

async function secretsIn(text: string): Promise<string[]> {
  const found = await detector.detect(text);
  return found.map((finding) => text.slice(finding.start, finding.end));
}

describe('assignments inside the value of another setting', () => {
  it.each([
    ['a JSON string', '{"log":"login failed, password=Hq7#pL2w9zXc retried"}', 'Hq7#pL2w9zXc'],
    ['a quoted command line', 'command: "mysql --password=Hq7#pL2w9zXc app"', 'Hq7#pL2w9zXc'],
    ['a connection string in JSON', '{"dsn":"Server=db1;Password=svcpass99;"}', 'svcpass99'],
    ['a query string', 'url=https://db.lcl/x?token=Ab3dE5fG7hI9kL2m', 'Ab3dE5fG7hI9kL2m'],
    ['a YAML note', "note: 'set PASSWORD: dY^5Ke76gdSiF first'", 'dY^5Ke76gdSiF'],
  ])('finds the secret in %s', async (_kind, text, secret) => {
    expect(await secretsIn(text)).toEqual([secret]);
  });

  it('finds nothing inside a value that holds no secret assignment', async () => {
    expect(await secretsIn('{"title":"password: required, token: none"}')).toEqual([]);
  });

  it('reads nested assignments to the end of a long value', async () => {
    // How long such texts take is measured by the benchmark's hostile texts.
    const text = `x="${'pwd='.repeat(20_000)}"`;
    expect(await secretsIn(text)).toEqual([]);
  });
});

describe('credentials in an Authorization header', () => {
  it.each([
    ['a bearer token', 'Authorization: Bearer abcDEF123ghiJKL456mno', 'abcDEF123ghiJKL456mno'],
    [
      'a bearer token in a curl command',
      'curl -H "authorization: bearer Zx81Qw7Ertp3LmN0vB2k"',
      'Zx81Qw7Ertp3LmN0vB2k',
    ],
    [
      'basic credentials',
      'Authorization: Basic dXNlcjpodW50ZXIyaHVudGVy',
      'dXNlcjpodW50ZXIyaHVudGVy',
    ],
  ])('finds %s', async (_kind, text, secret) => {
    expect(await secretsIn(text)).toEqual([secret]);
  });

  it.each([
    'Bearer tokens expire after an hour',
    'Authorization: Bearer YOUR_ACCESS_TOKEN_HERE',
    'Basic authentication is enabled by default',
  ])('finds nothing in %j', async (text) => {
    expect(await secretsIn(text)).toEqual([]);
  });
});
