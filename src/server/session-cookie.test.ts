import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { SessionCookie } from './session-cookie.js';

async function setAndRead(isSecure: boolean, cookieHeader: string) {
  const cookie = new SessionCookie({ isSecure });
  const app = Fastify();
  app.get('/', (request, reply) => {
    cookie.set(reply, 'token', 60);
    return { read: cookie.read(request) ?? null };
  });
  const response = await app.inject({ url: '/', headers: { cookie: cookieHeader } });
  await app.close();
  return {
    setCookie: response.headers['set-cookie'],
    read: response.json<{ read: unknown }>().read,
  };
}

describe('SessionCookie', () => {
  it('is HttpOnly and SameSite=Strict, and without TLS neither Secure nor prefixed', async () => {
    const { setCookie } = await setAndRead(false, '');
    expect(setCookie).toBe('moat_session=token; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
  });

  it('over TLS is Secure and takes the __Host- prefix', async () => {
    const { setCookie } = await setAndRead(true, '');
    expect(setCookie).toBe(
      '__Host-moat_session=token; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    );
  });

  it.each([
    ['a=1; moat_session=abc; b=2', 'abc'],
    ['moat_session=abc; moat_session=def', null],
    ['xmoat_session=abc', null],
    ['', null],
  ])('reads %j as %j', async (header, expected) => {
    expect((await setAndRead(false, header)).read).toBe(expected);
  });
});
