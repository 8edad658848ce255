/**
 * The GitHub App part of the SCM stand-in: `POST /app/installations/:id/access_tokens` verifies the
 * app JWT the way GitHub does (RS256, signed by the app's key, `iss` = app id, not expired) and
 * issues installation tokens with an `expires_at`; API and Git requests may then use those tokens.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { Reply } from './scm-stand-in-routes.ts';

/** A GitHub App the stand-in knows. */
export interface StandInGithubApp {
  readonly appId: string;
  /** The app's private key (PEM); the stand-in verifies JWTs with its public half. */
  readonly privateKey: string;
  readonly installationId: number;
  /** Lifetime of issued tokens; GitHub's is 3600 seconds. */
  readonly tokenTtlSeconds?: number;
  /** The app's Checks permission; GitHub refuses check runs without `write`. */
  readonly checks?: 'write' | 'none';
}

/** One installation token the stand-in issued. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Why a JWT is refused, or undefined when GitHub would accept it. */
export function jwtProblem(
  authorization: string,
  app: StandInGithubApp,
  nowSeconds: number,
): string | undefined {
  const jwt = authorization.replace(/^bearer /i, '');
  const [h, p, sig] = jwt.split('.');
  const header = decodeSegment(h);
  const payload = decodeSegment(p);
  if (header === undefined || payload === undefined || sig === undefined)
    return 'A JSON web token could not be decoded';
  if (header.alg !== 'RS256') return `unsupported JWT algorithm ${String(header.alg)}`;
  const key = createPublicKey(app.privateKey);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url')))
    return 'A JSON web token could not be decoded';
  if (String(payload.iss) !== app.appId) return "'Issuer' claim ('iss') must be an Integer";
  if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds)
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + 60)
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  return undefined;
}

/** Issues installation tokens for one app and says whether a token is currently valid. */
export class AppTokens {
  readonly issued: IssuedToken[] = [];

  constructor(readonly app: StandInGithubApp) {}

  valid(token: string): boolean {
    return this.issued.some((t) => t.token === token && t.expiresAt > Date.now());
  }

  /**
   * Why GitHub would refuse a check run to this authorization, if it would: only an App
   * installation with the Checks permission may write them (docs.github.com, "REST API endpoints
   * for check runs": OAuth apps and personal tokens can read check runs but not create them).
   */
  checkRunRefusal(authorization: string | undefined): string | undefined {
    const token = (authorization ?? '').replace(/^(token|bearer) /i, '');
    if (!this.valid(token)) return 'You must authenticate via a GitHub App.';
    return this.app.checks === 'none' ? 'Resource not accessible by integration' : undefined;
  }

  /** Answers `POST /app/installations/:id/access_tokens`. */
  accessTokens(installationId: string, authorization: string): Reply {
    const problem = jwtProblem(authorization, this.app, Math.floor(Date.now() / 1000));
    if (problem !== undefined) return { status: 401, body: { message: problem } };
    if (Number(installationId) !== this.app.installationId)
      return { status: 404, body: { message: 'Not Found' } };
    const ttl = this.app.tokenTtlSeconds ?? 3600;
    const token = { token: `ghs_${randomBytes(18).toString('hex')}`, expiresAt: Date.now() + ttl * 1000 };
    this.issued.push(token);
    return {
      status: 201,
      body: {
        token: token.token,
        expires_at: new Date(token.expiresAt).toISOString(),
        permissions: {
          contents: 'read',
          pull_requests: 'write',
          ...(this.app.checks !== 'none' && { checks: 'write' }),
          statuses: 'write',
          metadata: 'read',
        },
        repository_selection: 'all',
      },
    };
  }
}
