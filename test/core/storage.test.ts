import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage, ScopedStorage, readJson, writeJson } from '../../src/core/storage';
import { LockbridgeError } from '../../src/core/errors';

describe('core: FileStorage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-storage-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes atomically with owner-only permissions, and reads back', async () => {
    const s = new FileStorage(dir);
    await writeJson(s, 'accounts/a1/token.json', { token: 't' });
    assert.deepEqual(await readJson(s, 'accounts/a1/token.json'), { token: 't' });
    const st = await stat(join(dir, 'accounts/a1/token.json'));
    assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'accounts/a1')), ['token.json'], 'no temp file left');
    assert.deepEqual(await s.list('accounts/'), ['accounts/a1/token.json']);
    await s.delete('accounts/a1/token.json');
    assert.equal(await s.read('accounts/a1/token.json'), undefined);
  });

  it('scopes an account to its folder and refuses paths that escape', async () => {
    const s = new FileStorage(dir);
    const scoped = new ScopedStorage(s, 'accounts/home');
    await scoped.write('state.json', '{}');
    assert.deepEqual(await scoped.list(), ['state.json']);
    await assert.rejects(
      s.write('../evil', 'x'),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_input',
    );
  });

  it('treats a torn JSON file as absent', async () => {
    const s = new FileStorage(dir);
    await s.write('x.json', '{"half');
    assert.equal(await readJson(s, 'x.json'), undefined);
  });
});
