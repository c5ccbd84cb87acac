import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console builds into dist/console, beside the compiled service, which serves it.
 * `npm run console:dev` serves it with hot reload and sends API calls to a service on :3000.
 */
export default defineConfig(({ command }) => ({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  // The production builds of libraries (react-router ships both) in the served bundle.
  resolve: command === 'build' ? { conditions: ['module', 'browser', 'production'] } : {},
  server: {
    proxy: { '/api': 'http://localhost:3000', '/health': 'http://localhost:3000' },
  },
}));
