// Client-side failures: the server's own error answer, no usable server at all, or something else on the port.

/** The server answered with {"error":{"code","message"}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Why no answer came: nothing listens, the connection was closed unanswered, or the answer took too long. */
export type UnreachableReason = 'refused' | 'closed' | 'timeout';

/** No answer came from the base URL; `reason` says how it failed. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    readonly reason: UnreachableReason = 'refused',
    options?: { cause?: unknown; timeoutMs?: number },
  ) {
    super(unreachableMessage(baseUrl, reason, options?.timeoutMs ?? 0), options);
    this.name = 'ServerUnreachableError';
  }
}

function unreachableMessage(baseUrl: string, reason: UnreachableReason, timeoutMs: number): string {
  switch (reason) {
    case 'refused':
      return `No im-for-agents server answers at ${baseUrl}. Start one with \`npx im-for-agents\`, or point to it with --server or IM_SERVER.`;
    case 'closed':
      return `The server at ${baseUrl} closed the connection without answering: it is not an im-for-agents server, or it is stopping. Check --server or IM_SERVER.`;
    case 'timeout':
      return `No answer from ${baseUrl} within ${timeoutMs / 1000} s: the server is stuck or is not an im-for-agents server. Wait longer with --connect-timeout SECONDS or IM_CONNECT_TIMEOUT.`;
  }
}

/** Something answered, but not as the im-for-agents API does (another web server on the port, a proxy's error page). */
export class NotImServerError extends Error {
  constructor(
    readonly baseUrl: string,
    readonly status: number,
    readonly contentType: string,
  ) {
    super(
      `The server at ${baseUrl} is not an im-for-agents server: it answered HTTP ${status} with ${contentType || 'no content type'} where the API answers JSON. Check --server or IM_SERVER.`,
    );
    this.name = 'NotImServerError';
  }
}
