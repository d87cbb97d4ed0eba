import { readFile } from 'node:fs/promises';

/** The fields of one access-log line that tests look at. */
export interface AccessLogLine {
  requestId: string;
  keyId?: string;
  route: string;
  model?: string;
  status: number;
  errorCode?: string;
  isStream?: boolean;
  durationMs: number;
  promptTokens?: number;
  completionTokens?: number;
  redactions?: string[];
}

/**
 * Every access-log line written to `logFile` so far. Moat buffers its log and writes it out
 * about once a second, so a line that is not here yet may still come: poll, do not read once.
 */
export async function readAccessLog(logFile: string): Promise<AccessLogLine[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as AccessLogLine & { msg?: string })
    .filter((entry) => entry.msg === 'request');
}

/** The access-log line of one request, or an error naming the request while it is missing. */
export async function findAccessLine(logFile: string, requestId: string): Promise<AccessLogLine> {
  const line = (await readAccessLog(logFile)).find((entry) => entry.requestId === requestId);
  if (line === undefined) throw new Error(`no access-log line for request ${requestId} yet`);
  return line;
}
