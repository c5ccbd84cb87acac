import type { ApiRole } from './api-role';

/** Who is calling: the API key that authenticated the request. Audit trails record its id. */
export interface ApiPrincipal {
  id: string;
  name: string;
  role: ApiRole;
}

/** The slice of an HTTP request that authentication reads and writes. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: ApiPrincipal;
}
