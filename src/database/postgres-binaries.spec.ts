import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unreachableBy } from './postgres-binaries';

describe('unreachableBy', () => {
  let base: string;
  let inner: string;
  // Not us: a folder's "other" bits decide for it, as for PostgreSQL's account when we are root.
  const stranger = { name: 'stranger', uid: 54_321, gid: 54_321 };

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'vaultwatch-reach-'));
    inner = join(base, 'project', 'data');
    await mkdir(inner, { recursive: true, mode: 0o755 });
  });

  afterEach(async () => {
    await chmod(base, 0o700);
    await rm(base, { recursive: true, force: true });
  });

  it('names the first folder on the way that the account may not enter', async () => {
    await chmod(base, 0o700);
    expect(unreachableBy(stranger, inner)).toBe(base);
    await chmod(base, 0o711);
    expect(unreachableBy(stranger, inner)).toBeNull();
    await chmod(join(base, 'project'), 0o750);
    expect(unreachableBy(stranger, inner)).toBe(join(base, 'project'));
  });

  it("reads the owner's bits for the owner and the group's for its group", async () => {
    await chmod(base, 0o700);
    const owner = { name: 'owner', uid: process.getuid!(), gid: 54_321 };
    expect(unreachableBy(owner, inner)).toBeNull();
    if (process.getuid!() !== 0) return; // only root may give a folder to another group
    await chown(base, 0, stranger.gid);
    await chmod(base, 0o710);
    expect(unreachableBy(stranger, inner)).toBeNull();
    // In the folder's group, the group's bits decide, even where others may enter.
    await chmod(base, 0o701);
    expect(unreachableBy(stranger, inner)).toBe(base);
  });
});
