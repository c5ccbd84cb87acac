import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiPrincipal, AuthenticatedRequest } from './api-principal';
import { ApiRole, DEFAULT_REQUIRED_ROLE, roleSatisfies } from './api-role';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_ROUTE } from './public.decorator';
import { REQUIRED_ROLE } from './require-role.decorator';

export const MISSING_KEY_MESSAGE = 'Missing API key: send Authorization: Bearer <key>';
export const INVALID_KEY_MESSAGE = 'Invalid or revoked API key';
export const KEYS_UNAVAILABLE_MESSAGE = 'API keys cannot be checked right now; try again shortly';

/** The key in an `Authorization: Bearer <key>` header, or null when there is none. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  return match ? match[1] : null;
}

/**
 * Global guard: every route needs an API key unless it is `@Public()`; the key's role must
 * reach the route's `@RequireRole(…)`, `admin` when the route names none. The caller is put
 * on the request for `@Principal()`.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)) return true;
    // Only HTTP callers carry API keys; anything else is refused until it has its own scheme.
    if (context.getType() !== 'http') return false;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const secret = bearerToken(request.headers.authorization);
    if (!secret) throw new UnauthorizedException(MISSING_KEY_MESSAGE);
    const principal = await this.verify(secret);
    if (!principal) throw new UnauthorizedException(INVALID_KEY_MESSAGE);
    request.principal = principal;

    const needed =
      this.reflector.getAllAndOverride<ApiRole | undefined>(REQUIRED_ROLE, targets) ??
      DEFAULT_REQUIRED_ROLE;
    if (!roleSatisfies(principal.role, needed)) {
      throw new ForbiddenException(
        `This action needs the ${needed} role; this key has ${principal.role}`,
      );
    }
    return true;
  }

  /** A key store that cannot be read is a 503, not a 500 nor a 401. */
  private async verify(secret: string): Promise<ApiPrincipal | null> {
    try {
      return await this.keys.verify(secret);
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'unknown error';
      this.logger.warn(`API key verification failed (${reason})`);
      throw new ServiceUnavailableException(KEYS_UNAVAILABLE_MESSAGE);
    }
  }
}
