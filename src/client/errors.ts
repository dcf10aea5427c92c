// Client-side failures: the server's own error answer, or no server at all.

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

/** Nothing answered at the base URL. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    options?: { cause?: unknown },
  ) {
    super(
      `No im-for-agents server answers at ${baseUrl}. Start one with \`npx im-for-agents\`, or point to it with --server or IM_SERVER.`,
      options,
    );
    this.name = 'ServerUnreachableError';
  }
}
