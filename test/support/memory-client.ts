import { request } from 'undici';

/** A JSON answer from Moat: status and parsed body. */
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; param: string | null };
  };
  text: string;
}

/** Calls Moat with a bearer token and a JSON body; parses whatever comes back. */
export async function callJson(
  baseUrl: string,
  token: string,
  route: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown },
): Promise<JsonAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (route.body !== undefined) headers['content-type'] = 'application/json';
  const response = await request(`${baseUrl}${route.path}`, {
    method: route.method,
    headers,
    ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
  });
  const text = await response.body.text();
  // A streamed answer is SSE, not JSON; its text is all a test can look at.
  const isJson = text.startsWith('{');
  const body = (isJson ? JSON.parse(text) : {}) as JsonAnswer['body'];
  return { status: response.statusCode, body, text };
}

/** Saves a text document and returns its id. */
export async function saveDocument(
  baseUrl: string,
  token: string,
  document: Record<string, unknown>,
): Promise<string> {
  const answer = await callJson(baseUrl, token, {
    method: 'POST',
    path: '/v1/memory/documents',
    body: document,
  });
  if (answer.status !== 201) throw new Error(`save failed with ${answer.status}: ${answer.text}`);
  return answer.body.id as string;
}

/** A unique string that occurs nowhere else. */
export function newCanary(label: string): string {
  return `canary${label}${Math.random().toString(36).slice(2, 12)}zq`;
}
