import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEAP_LIMIT_FLAG } from './heap-limit';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the heap limit production starts with', () => {
  it('is the one npm run start:prod passes', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts['start:prod']).toBe(`node ${HEAP_LIMIT_FLAG} dist/src/main.js`);
  });

  it('is the one the image starts the service with', () => {
    expect(read('Dockerfile')).toContain(`CMD ["node", "${HEAP_LIMIT_FLAG}", "dist/src/main.js"]`);
  });
});
