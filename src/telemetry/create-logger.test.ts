import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type MoatLogger } from './create-logger.js';

const SECRET = 'canary-7f3a-prompt-text';

let folder: string;
let logFile: string;
let log: MoatLogger;
let isClosed: boolean;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-logger-'));
  logFile = join(folder, 'moat.log');
  log = createLogger({ level: 'trace', file: logFile });
  isClosed = false;
});

afterEach(async () => {
  if (!isClosed) await log.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Closes the logger and answers every byte it wrote, and those bytes parsed line by line. */
async function writtenBytes(): Promise<{ text: string; lines: Record<string, unknown>[] }> {
  await log.close();
  isClosed = true;
  const text = readFileSync(logFile).toString('utf8');
  const lines = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { text, lines };
}

describe('createLogger', () => {
  it('writes allowed fields and listed phrases unchanged', async () => {
    log.logger.info({ requestId: 'r1', status: 200, models: ['a', 'b'] }, 'request');

    const { lines } = await writtenBytes();

    expect(lines).toEqual([
      expect.objectContaining({ level: 30, requestId: 'r1', status: 200, msg: 'request' }),
    ]);
    expect(lines[0]?.models).toEqual(['a', 'b']);
  });

  it('drops an Error logged on its own or with a phrase, message and stack both', async () => {
    const error = new TypeError(SECRET);
    log.logger.error(error);
    log.logger.error(error, 'uncaught error');
    log.logger.warn({ err: error });

    const { text, lines } = await writtenBytes();

    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('TypeError');
    expect(lines.map((line) => line.msg)).toEqual([
      'unlisted event',
      'uncaught error',
      'unlisted event',
    ]);
  });

  it('keeps child bindings, later bindings and message prefixes to the allow-list', async () => {
    log.logger.child({ prompt: SECRET, requestId: 'r2' }).info({}, 'request');
    log.logger.child({}, { msgPrefix: SECRET }).info({}, 'request');
    const child = log.logger.child({ keyId: 'k1' });
    child.setBindings({ authorization: SECRET });
    child.info({ status: 201 }, 'request');
    // Keys a binding shares with the line itself appear twice in the written JSON.
    log.logger.child({ msg: SECRET }).info({}, 'request');
    log.logger.child({ status: { text: SECRET } }).info({ status: 202 }, 'request');

    const { text, lines } = await writtenBytes();

    expect(text).not.toContain(SECRET);
    expect(lines[0]).toMatchObject({ requestId: 'r2', msg: 'request' });
    expect(lines[1]).toMatchObject({ msg: 'unlisted event' });
    expect(lines[2]).toMatchObject({ keyId: 'k1', status: 201, msg: 'request' });
    expect(lines[3]).toMatchObject({ msg: 'request' });
    expect(lines[4]).toMatchObject({ status: 202, msg: 'request' });
  });

  it('replaces any message outside the listed phrases, and its format arguments', async () => {
    log.logger.info(SECRET);
    log.logger.info({ status: 500 }, `failed: ${SECRET}`);
    log.logger.info('request %s', SECRET);
    // Outside pino's types, as a careless untyped call would be.
    Reflect.apply(log.logger.info, log.logger, ['request', SECRET]);
    log.logger.info({ msg: SECRET, route: '/v1/models' });

    const { text, lines } = await writtenBytes();

    expect(text).not.toContain(SECRET);
    expect(lines.map((line) => line.msg)).toEqual([
      'unlisted event',
      'unlisted event',
      'unlisted event',
      'request',
      'unlisted event',
    ]);
    expect(lines[1]).toMatchObject({ status: 500 });
    expect(lines[4]).toMatchObject({ route: '/v1/models' });
  });

  it('drops fields outside the allow-list, long text and nested objects', async () => {
    log.logger.info(
      { body: SECRET, headers: { authorization: SECRET }, model: SECRET.repeat(20), status: 400 },
      'request',
    );

    const { text, lines } = await writtenBytes();

    expect(text).not.toContain(SECRET);
    expect(Object.keys(lines[0] ?? {})).toEqual(['level', 'time', 'status', 'msg']);
  });

  it('writes buffered lines out at once on flushSync', async () => {
    log.logger.info({ errorName: 'TypeError', errorCode: 'internal_error' }, 'uncaught error');

    // The file opens asynchronously; until it is open there is nothing to flush into.
    await vi.waitFor(() => {
      log.flushSync();
      expect(readFileSync(logFile, 'utf8')).toContain('"errorName":"TypeError"');
    });
  });
});
