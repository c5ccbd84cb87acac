import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiPrincipal, AuthenticatedRequest } from './api-principal';

/** The authenticated caller of this request (`{ id, name, role }`); not on `@Public()` routes. */
export const Principal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiPrincipal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) {
      throw new Error('@Principal() needs an authenticated route; this one has no API key');
    }
    return principal;
  },
);
