import { SetMetadata } from '@nestjs/common';
import type { ApiRole } from './api-role';

export const REQUIRED_ROLE = 'vaultwatch:required-role';

/**
 * The least role a key needs to call this route, or every route of this controller; a
 * method's role overrides its controller's. Routes that declare none need `admin`.
 */
export const RequireRole = (role: ApiRole) => SetMetadata(REQUIRED_ROLE, role);
