import type { MoatApi } from './api-client.js';

/** What `GET /auth/session` answers. */
export type SessionState =
  | { signedIn: false; proxyIdentity: boolean }
  | { signedIn: true; user: { name: string }; csrfToken: string };

export async function loadSession(api: MoatApi): Promise<SessionState> {
  return remember(api, await api.getJson<SessionState>('/auth/session'));
}

/** Signs in with a name and password, or through the proxy's identity when both are empty. */
export async function signIn(
  api: MoatApi,
  credentials: { name: string; password: string } | undefined,
): Promise<SessionState> {
  return remember(
    api,
    await api.sendJson<SessionState>('POST', '/auth/sign-in', credentials ?? {}),
  );
}

export async function signOut(api: MoatApi): Promise<void> {
  await api.sendJson('POST', '/auth/sign-out', {});
  api.setCsrfToken(undefined);
}

function remember(api: MoatApi, state: SessionState): SessionState {
  api.setCsrfToken(state.signedIn ? state.csrfToken : undefined);
  return state;
}
