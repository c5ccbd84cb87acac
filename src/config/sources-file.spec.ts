import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSourcesFile, parseSourcesFile } from './sources-file';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.secret-part.signature-part-XYZW';

describe('the sources file', () => {
  it('reads YAML and JSON alike', () => {
    const yaml = `
sources:
  - name: prod
    kind: events_api
    token: ${TOKEN}
    pollIntervalSeconds: 5
  - name: office
    kind: connect
    url: http://connect.internal:8080
    token: ${TOKEN}
    account: AAAABBBBCCCCDDDDEEEEFFFFGG
`;
    const json = JSON.stringify({
      sources: [
        { name: 'prod', kind: 'events_api', token: TOKEN, pollIntervalSeconds: 5 },
        {
          name: 'office',
          kind: 'connect',
          url: 'http://connect.internal:8080',
          token: TOKEN,
          account: 'AAAABBBBCCCCDDDDEEEEFFFFGG',
        },
      ],
    });
    const fromYaml = parseSourcesFile(yaml, 'sources.yaml');
    expect(fromYaml).toEqual(parseSourcesFile(json, 'sources.json'));
    expect(fromYaml).toEqual(parseSourcesFile(json, 'sources.conf'));
    expect(fromYaml.ok && fromYaml.value.map((spec) => spec.name)).toEqual(['prod', 'office']);
  });

  it('names the entry and the field of each problem, never a value', () => {
    const text = `
sources:
  - name: prod
    kind: events_api
    token: ${TOKEN}
  - name: acme
    kind: events_api
  - name: Bad Name
    kind: connect
    token: ${TOKEN}
    maxRequestsPerMinute: 10
    account: acme-account
  - name: prod
    kind: events_api
    token: ${TOKEN}
    colour: blue
`;
    const check = parseSourcesFile(text, 'sources.yml');
    expect(check.ok).toBe(false);
    const lines = check.ok ? [] : check.problems.map((p) => `${p.field}: ${p.reason}`);
    expect(lines).toEqual([
      'sources[1] (name "acme").token: required',
      'sources[2].name: must be a lower-case slug: a-z, 0-9 and inner hyphens, 1 to 40 characters',
      'sources[2].account: must be a 1Password account id: 26 letters and digits',
      'sources[2].url: required for a Connect server',
      'sources[2].maxRequestsPerMinute: only for an Events API source',
      'sources[3] (name "prod").colour: unknown field',
    ]);
    expect(JSON.stringify(check)).not.toContain(TOKEN);
  });

  it('refuses a duplicate name, the reserved default, and a file that is not a list', () => {
    const duplicate = parseSourcesFile(
      JSON.stringify({
        sources: [
          { name: 'a', kind: 'events_api', token: 't' },
          { name: 'a', kind: 'events_api', token: 't' },
          { name: 'default', kind: 'events_api', token: 't' },
        ],
      }),
      'x.json',
    );
    expect(duplicate.ok ? [] : duplicate.problems.map((p) => p.field)).toEqual([
      'sources[1] (name "a").name',
      'sources[2] (name "default").name',
    ]);
    expect(parseSourcesFile('', 'x.yaml')).toEqual({
      ok: false,
      problems: [
        { field: 'sources', reason: 'required: the file is an object with a `sources` list' },
      ],
    });
    expect(parseSourcesFile('sources: 3', 'x.yaml')).toEqual({
      ok: false,
      problems: [{ field: 'sources', reason: 'must be a list of sources' }],
    });
  });

  it('reports a syntax error by position, without quoting the text', () => {
    const yaml = parseSourcesFile(`sources:\n  - name: a\n   token: "${TOKEN}`, 'x.yaml');
    expect(yaml.ok).toBe(false);
    expect(JSON.stringify(yaml)).toMatch(/not valid YAML at line \d+, column \d+/);
    const json = parseSourcesFile(`{"sources": [{"token": "${TOKEN}"`, 'x.json');
    expect(json).toEqual({ ok: false, problems: [{ field: 'file', reason: 'not valid JSON' }] });
    expect(JSON.stringify(yaml) + JSON.stringify(json)).not.toContain(TOKEN);
  });

  it('stops start-up with one line per problem, prefixed SOURCES_FILE', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vw-sources-')), 'sources.yaml');
    writeFileSync(path, 'sources:\n  - name: acme\n    kind: events_api\n');
    expect(() => loadSourcesFile(path)).toThrow(
      'SOURCES_FILE sources[0] (name "acme").token: required',
    );
    expect(() => loadSourcesFile(`${path}.missing`)).toThrow(
      /SOURCES_FILE: cannot read .* \(ENOENT\)/,
    );
  });
});
