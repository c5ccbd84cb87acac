import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/test-app';

const TYPES_FILE = join(__dirname, '../web/src/api/schema.d.ts');
const HEADER =
  '// Generated from the OpenAPI document the service serves at /api/docs-json.\n' +
  '// Do not edit: run `npm run console:api-types` after changing the REST API.\n\n';

/**
 * The console's API types are generated from the service's own OpenAPI document, so the two
 * cannot drift: this test fails when they differ (and rewrites them with UPDATE_API_TYPES=1).
 */
describe('console API types', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('match the OpenAPI document the service serves', async () => {
    const answer = await t.http().get('/api/docs-json').expect(200);
    const generated = HEADER + generateTypes(answer.text);
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(TYPES_FILE, generated);
    const committed = readFileSync(TYPES_FILE, 'utf8');
    expect(committed === generated ? 'up to date' : 'run npm run console:api-types').toBe(
      'up to date',
    );
  });
});

/** openapi-typescript ships as an ES module: run its command line rather than load it here. */
function generateTypes(document: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vw-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    writeFileSync(input, document);
    const cli = join(__dirname, '../node_modules/openapi-typescript/bin/cli.js');
    return execFileSync(process.execPath, [cli, input], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
