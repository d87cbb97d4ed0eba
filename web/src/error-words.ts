import { blockedClassesIn } from './redacted-classes.js';

/**
 * What the page says for each error code Moat may answer with, in plain words. Codes not
 * listed fall back to the message Moat sent, which never quotes the request.
 */
const WORDS_BY_CODE: Readonly<Record<string, string>> = {
  rate_limited: 'You are sending requests too fast. Wait a moment, then try again.',
  model_busy: 'The model is busy with other people’s requests. Try again in a moment.',
  policy_blocked: 'This message was blocked by your organisation’s data policy.',
  context_length_exceeded: 'The conversation is too long for this model. Start a new one.',
  model_not_found: 'That model is no longer offered. Pick another one.',
  session_expired: 'Your session has ended. Sign in again.',
  missing_session: 'You are signed out. Sign in again.',
  invalid_credentials: 'That name and password do not match.',
  memory_item_not_found: 'That item no longer exists: it was deleted or has expired.',
  insufficient_scope: 'Your account is not allowed to do this.',
  csrf_failed: 'The page is out of date. Reload it and try again.',
  upstream_unavailable: 'The model’s server cannot be reached right now.',
  upstream_timeout: 'The model’s server did not answer in time.',
  shutting_down: 'Moat is restarting. Try again in a moment.',
};

/** Plain words for an error, by its code first, then by its HTTP status. */
export function describeError(code: string, status: number, fallback: string): string {
  if (code === 'content_blocked') return blockedWords(fallback);
  const words = WORDS_BY_CODE[code];
  if (words !== undefined) return words;
  if (status === 429) return WORDS_BY_CODE.rate_limited ?? fallback;
  if (status === 0) return 'Moat cannot be reached. Check your connection.';
  return fallback;
}

/** Names the blocked classes Moat reported, never a value: Moat's message holds none. */
function blockedWords(message: string): string {
  const classes = blockedClassesIn(message);
  const which = classes.length === 0 ? '' : ` It holds: ${classes.join(', ')}.`;
  return `This was blocked by your organisation’s data policy and went nowhere.${which}`;
}
