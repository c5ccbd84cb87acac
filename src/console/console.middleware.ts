import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isServicePath } from './console-assets';
import { ConsoleFiles } from './console-files';

/** Everything the console needs is bundled: nothing is loaded from elsewhere, nothing frames it. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // ECharts and React set style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built console: its files by path, and index.html for every other page path so
 * that deep links (/incidents/:id, /baselines/:actor…) open the app, which routes on its own.
 * API, health and metrics paths pass through untouched, so an unknown /api path still gets the
 * API's JSON 404.
 */
@Injectable()
export class ConsoleMiddleware implements NestMiddleware {
  constructor(private readonly files: ConsoleFiles) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const path = request.path;
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isServicePath(path)) {
      next();
      return;
    }
    const file = this.files.lookup(path);
    if (file) {
      response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      response.sendFile(file, { dotfiles: 'deny' }, (error) => {
        if (error) next(error);
      });
      return;
    }
    // A missing hashed asset is a 404, not a page: the browser asked for a file.
    if (path.startsWith('/assets/')) {
      next();
      return;
    }
    const index = this.files.index();
    if (!index) {
      response
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `npm run build`.\n');
      return;
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.sendFile(index, (error) => {
      if (error) next(error);
    });
  }
}
