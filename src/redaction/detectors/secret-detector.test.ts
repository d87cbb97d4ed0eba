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

describe('settings named in camel case or run together', () => {
  it.each([
    ['an AWS SDK config', '{"accessKeyId":"AKIA","secretAccessKey":"Wq8vT2mX9pL4kR8w"}'],
    ['a YAML key', 'dbPassword: Wq8vT2mX9pL4kR8w'],
    ['a JSON key', '"refreshToken": "Wq8vT2mX9pL4kR8w"'],
    ['a properties key', 'apiSecret=Wq8vT2mX9pL4kR8w'],
    ['a variable run together', 'PGPASSWORD=Wq8vT2mX9pL4kR8w psql -h db'],
  ])('finds the secret in %s', async (_kind, text) => {
    expect(await secretsIn(text)).toEqual(['Wq8vT2mX9pL4kR8w']);
  });

  it.each(['passwordless: Sign2In4x', 'compassHeading: N45Wq8vT2', 'tokenizer: Bpe50kVocab'])(
    'finds nothing in %j',
    async (text) => {
      expect(await secretsIn(text)).toEqual([]);
    },
  );
});

describe('a secret name and its value in code', () => {
  it.each([
    ['a PHP constant', "define( 'DB_PASSWORD', 'Wq8vT2mX9pL4kR8w' );"],
    ['a Python environment entry', 'os.environ["API_TOKEN"] = "Wq8vT2mX9pL4kR8w"'],
    ['a Ruby hash entry', "config['api_key'] = 'Wq8vT2mX9pL4kR8w'"],
    ['a PowerShell variable', '$env:API_TOKEN = "Wq8vT2mX9pL4kR8w"'],
    ['an XML element', '<password>Wq8vT2mX9pL4kR8w</password>'],
  ])('finds the secret in %s', async (_kind, text) => {
    expect(await secretsIn(text)).toEqual(['Wq8vT2mX9pL4kR8w']);
  });

  it.each(['The token, which expires hourly', '["password", "username", "email"]'])(
    'finds nothing in %j',
    async (text) => {
      expect(await secretsIn(text)).toEqual([]);
    },
  );
});

describe('credentials on a command line or in a URL', () => {
  it.each([
    ['a curl user', 'curl -u deploy:Wq8vT2mX9pL4kR8w https://ci.lcl/api', 'Wq8vT2mX9pL4kR8w'],
    ['a password flag', 'mysqldump --password Wq8vT2mX9pL4kR8w app', 'Wq8vT2mX9pL4kR8w'],
    ['a token scheme', 'curl -H "Authorization: Token Wq8vT2mX9pL4kR8w"', 'Wq8vT2mX9pL4kR8w'],
    ['a header in JSON', '{"Authorization": "ApiKey Wq8vT2mX9pL4kR8w"}', 'Wq8vT2mX9pL4kR8w'],
  ])('finds %s', async (_kind, text, secret) => {
    expect(await secretsIn(text)).toEqual([secret]);
  });

  it.each(['curl -u deploy https://ci.lcl/api', 'run it with --password --verbose'])(
    'finds nothing in %j',
    async (text) => {
      expect(await secretsIn(text)).toEqual([]);
    },
  );
});
