import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'vaultwatch:public-route';

/** The route needs no API key (/health, /metrics, signed webhooks). Use sparingly. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
