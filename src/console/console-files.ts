import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { findConsoleDir, listConsoleFiles } from './console-assets';

/** The console's built files, listed once at start-up. */
@Injectable()
export class ConsoleFiles implements OnModuleInit {
  private readonly logger = new Logger(ConsoleFiles.name);
  private files = new Map<string, string>();

  onModuleInit(): void {
    const dir = findConsoleDir();
    if (!dir) {
      this.logger.warn('The console is not built (dist/console is missing): run npm run build');
      return;
    }
    this.files = listConsoleFiles(dir);
    this.logger.log(`Serving the console from ${dir} (${this.files.size} files)`);
  }

  /** The file for a request path, or undefined; index.html is served as a page, not here. */
  lookup(path: string): string | undefined {
    return path === '/index.html' ? undefined : this.files.get(path);
  }

  index(): string | undefined {
    return this.files.get('/index.html');
  }
}
