/**
 * Every error Moat can answer with. Each code has one HTTP status, the OpenAI-style `type`
 * that clients switch on, whether retrying the same request can help, and a public message
 * that never depends on the request's content.
 */
export const ERROR_CODES = {
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The request body is not valid JSON.',
  },
  invalid_request: {
    status: 400,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The request is not valid.',
  },
  unsupported_field: {
    status: 400,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The request uses a field that Moat does not support.',
  },
  context_length_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    isRetryable: false,
    message: "The messages and max_tokens together exceed the model's context window.",
  },
  missing_api_key: {
    status: 401,
    type: 'authentication_error',
    isRetryable: false,
    message: 'No API key was presented. Send one as "Authorization: Bearer <key>".',
  },
  invalid_api_key: {
    status: 401,
    type: 'authentication_error',
    isRetryable: false,
    message: 'The API key is not valid, or it has been revoked.',
  },
  invalid_credentials: {
    status: 401,
    type: 'authentication_error',
    isRetryable: false,
    message: 'The name and password do not match an account.',
  },
  session_expired: {
    status: 401,
    type: 'authentication_error',
    isRetryable: false,
    message: 'The sign-in session has ended or is not valid. Sign in again.',
  },
  csrf_failed: {
    status: 403,
    type: 'permission_error',
    isRetryable: false,
    message: "The request did not carry the session's CSRF token, or came from another origin.",
  },
  insufficient_scope: {
    status: 403,
    type: 'permission_error',
    isRetryable: false,
    message: 'The API key does not have the scope this route needs.',
  },
  invalid_public_key: {
    status: 400,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The public key is not an Ed25519 public key in PEM form.',
  },
  not_found: {
    status: 404,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'No such route.',
  },
  memory_item_not_found: {
    status: 404,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'No memory item with this id belongs to this API key.',
  },
  model_not_found: {
    status: 404,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The model is not in the catalog. GET /v1/models lists the models served here.',
  },
  method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The route does not accept this HTTP method.',
  },
  body_too_large: {
    status: 413,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The request body is larger than the server accepts (server.maxBodyBytes).',
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The request body must be JSON (Content-Type: application/json).',
  },
  content_blocked: {
    status: 422,
    type: 'invalid_request_error',
    isRetryable: false,
    message: 'The content holds data that policy blocks.',
  },
  unsupported_file_type: {
    status: 415,
    type: 'invalid_request_error',
    isRetryable: false,
    message:
      'The file type cannot be read as text. Send text/plain, text/markdown, text/csv or application/json.',
  },
  client_closed_request: {
    status: 499,
    type: 'api_error',
    isRetryable: true,
    message: 'The client closed the connection before the answer was complete.',
  },
  internal_error: {
    status: 500,
    type: 'api_error',
    isRetryable: true,
    message: 'Moat hit an internal error. The request id identifies it in the server log.',
  },
  decryption_failed: {
    status: 500,
    type: 'api_error',
    isRetryable: false,
    message: 'Stored data could not be decrypted: it was altered, moved, or its key is gone.',
  },
  engine_error: {
    status: 500,
    type: 'api_error',
    isRetryable: true,
    message: 'The inference engine failed while answering.',
  },
  redaction_failed: {
    status: 503,
    type: 'api_error',
    isRetryable: true,
    message: 'Moat could not check the content for personal data and secrets, so it was refused.',
  },
  upstream_error: {
    status: 502,
    type: 'api_error',
    isRetryable: true,
    message: 'The upstream inference server answered with an error.',
  },
  egress_denied: {
    status: 502,
    type: 'api_error',
    isRetryable: false,
    message: 'Moat refused an outbound connection that no egress rule allows.',
  },
  upstream_unavailable: {
    status: 503,
    type: 'api_error',
    isRetryable: true,
    message: 'The upstream inference server could not be reached.',
  },
  model_busy: {
    status: 503,
    type: 'api_error',
    isRetryable: true,
    message: 'The model is busy: too many requests are waiting for it. Try again shortly.',
  },
  shutting_down: {
    status: 503,
    type: 'api_error',
    isRetryable: true,
    message: 'Moat is shutting down; the request was stopped or not taken.',
  },
  upstream_timeout: {
    status: 504,
    type: 'api_error',
    isRetryable: true,
    message: 'The upstream inference server did not answer in time.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export interface ErrorCodeEntry {
  status: number;
  type: 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'api_error';
  isRetryable: boolean;
  message: string;
}

export type ErrorCode = keyof typeof ERROR_CODES;
