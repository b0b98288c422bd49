import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '../../src/core/storage';
import { silentLogger } from '../../src/core/logger';
import { CodeJournal } from '../../src/pins/journal';
import { CodeVendorServer } from './fixtures/code-vendor-server';

const CHILD = join(__dirname, 'fixtures', 'code-set-child.ts');
const LOCKS = ['v-august_front', 'v-seam_office', 'v-spk_gate'];

interface Run {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function run(url: string, dir: string, mode: 'set' | 'resume'): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, dir, mode], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

/**
 * Restarts the set with `resume` and checks that it ends, that the locks still open end `confirmed`,
 * and that every lock holds exactly one code, the same shared one, set under the name Guest.
 */
async function resumeToTheEnd(
  vendor: CodeVendorServer,
  url: string,
  dir: string,
  confirmed: string[],
  onChild: (child: ChildProcess) => void,
): Promise<void> {
  const second = run(url, dir, 'resume');
  onChild(second.child);
  assert.equal(await second.exited, 0);
  assert.deepEqual(second.lines[second.lines.length - 1], { kind: 'done', pending: 0 });
  const finals = second.lines.filter((l) => l.kind === 'event' && l.outcome !== undefined);
  assert.deepEqual(
    finals.map((l) => [l.lockId, l.outcome]).sort(),
    confirmed.map((lockId) => [lockId, 'confirmed']),
  );
  const codes = LOCKS.map((l) => vendor.applied(l));
  assert.deepEqual(
    codes.map((c) => c.length),
    [1, 1, 1],
  );
  assert.ok(codes.every((c) => c[0].status === 'set' && c[0].name === 'Guest'));
  assert.equal(new Set(codes.map((c) => c[0].code)).size, 1, 'one shared code on every lock');
}

describe('pins/journal across a crash (child process)', function () {
  this.timeout(30_000);
  let vendor: CodeVendorServer;
  let dir: string;
  let running: ChildProcess | undefined;

  beforeEach(async () => {
    vendor = new CodeVendorServer();
    dir = await mkdtemp(join(tmpdir(), 'lockbridge-pins-'));
  });
  afterEach(async () => {
    if (running && running.exitCode === null) running.kill('SIGKILL');
    await vendor.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('killed while it reads the locks, before any code is chosen: the restart plans and sets them all', async () => {
    const url = await vendor.start();
    vendor.holdList = LOCKS[1];
    const held = vendor.held();

    const first = run(url, dir, 'set');
    running = first.child;
    const reached = await Promise.race([held.then(() => true), first.exited.then(() => false)]);
    assert.ok(reached, 'the child ended before the crash point');
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null);

    // The request was journaled before the first read: every lock, nothing chosen, nothing sent.
    const journal = await new CodeJournal(new FileStorage(dir), silentLogger).all();
    assert.deepEqual(journal.map((e) => [e.lockId, e.phase, e.sends]).sort(), [
      ['august_front', 'planning', 0],
      ['seam_office', 'planning', 0],
      ['spk_gate', 'planning', 0],
    ]);
    assert.equal(new Set(journal.map((e) => e.setId)).size, 1);
    assert.ok(journal.every((e) => e.input.code === undefined && e.input.name === 'Guest'));
    assert.equal(vendor.createsReceived.size, 0);

    vendor.holdList = undefined;
    await resumeToTheEnd(vendor, url, dir, ['august_front', 'seam_office', 'spk_gate'], (c) => (running = c));
    assert.deepEqual(
      LOCKS.map((l) => vendor.createsReceived.get(l)),
      [1, 1, 1],
    );
    assert.deepEqual(await new CodeJournal(new FileStorage(dir), silentLogger).all(), []);
  });

  for (const apply of [true, false]) {
    const when = apply ? 'after the vendor applied the create' : 'before the vendor applied the create';
    it(`killed ${when} on the second lock: the restart finishes the set, nothing lost or doubled`, async () => {
      const url = await vendor.start();
      vendor.hold = { lockId: LOCKS[1], apply };
      const held = vendor.held();

      const first = run(url, dir, 'set');
      running = first.child;
      const reached = await Promise.race([held.then(() => true), first.exited.then(() => false)]);
      assert.ok(reached, 'the child ended before the crash point');
      first.child.kill('SIGKILL');
      assert.equal(await first.exited, null);
      assert.ok(!first.lines.some((l) => l.kind === 'done'), 'the set must not have finished');

      // What the crash left: the first lock done, the second marked as sent, the third only requested.
      const journal = await new CodeJournal(new FileStorage(dir), silentLogger).all();
      assert.deepEqual(journal.map((e) => [e.lockId, e.phase, e.sends]).sort(), [
        ['seam_office', 'sending', 1],
        ['spk_gate', 'requested', 0],
      ]);
      assert.equal(vendor.applied(LOCKS[0]).length, 1);
      assert.equal(vendor.applied(LOCKS[1]).length, apply ? 1 : 0);
      assert.equal(vendor.applied(LOCKS[2]).length, 0);
      assert.equal(new Set(journal.map((e) => e.setId)).size, 1);

      vendor.hold = undefined;
      await resumeToTheEnd(vendor, url, dir, ['seam_office', 'spk_gate'], (c) => (running = c));
      // The second lock's create was resent only when the first one had not landed.
      assert.deepEqual(
        LOCKS.map((l) => vendor.createsReceived.get(l)),
        [1, apply ? 1 : 2, 1],
      );
      assert.deepEqual(await new CodeJournal(new FileStorage(dir), silentLogger).all(), []);
    });
  }
});
