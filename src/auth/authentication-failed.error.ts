/** Missing, malformed, unknown or revoked key → 401 with a WWW-Authenticate challenge (RFC 6750). */
export class AuthenticationFailed extends Error {
  constructor(
    readonly code: 'missing-api-key' | 'invalid-api-key',
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationFailed';
  }

  challenge(): string {
    return this.code === 'missing-api-key' ? 'Bearer realm="1tt"' : 'Bearer realm="1tt", error="invalid_token"';
  }
}
