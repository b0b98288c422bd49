import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const load = createRequire(__filename);
const bcrypt = load('bcryptjs') as { hashSync(password: string, rounds: number): string };

/**
 * The admin endpoints the editor uses (lock lists, two-factor) sit behind Node-RED's own admin
 * permissions: with adminAuth on, nobody without a token reaches them, and a read-only user cannot
 * use the ones that write.
 */
describe('nodes: admin endpoints need Node-RED admin permission', function () {
  this.timeout(60_000);
  let red: NodeRedProcess;

  before(async () => {
    red = await startNodeRed({
      adminAuth: {
        type: 'credentials',
        users: [
          { username: 'admin', password: bcrypt.hashSync('admin-password-1', 8), permissions: '*' },
          { username: 'viewer', password: bcrypt.hashSync('viewer-password-1', 8), permissions: 'read' },
        ],
      },
    });
  });
  after(() => red.stop());

  async function token(username: string, password: string, scope = '*'): Promise<string> {
    const res = await fetch(`${red.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: 'node-red-admin',
        grant_type: 'password',
        scope,
        username,
        password,
      }),
    });
    assert.equal(res.status, 200, `${username} could not log in`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  it('refuses the lock list and the two-factor step without a token', async () => {
    assert.equal((await fetch(`${red.url}/lockbridge/accounts/nope/locks`)).status, 401);
    const submit = await fetch(`${red.url}/lockbridge/accounts/nope/two-factor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: '123456' }),
    });
    assert.equal(submit.status, 401);
  });

  it('lets an admin through, and keeps a read-only user from the two-factor step', async () => {
    const admin = await token('admin', 'admin-password-1');
    const list = await fetch(`${red.url}/lockbridge/accounts/nope/locks`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.notEqual(list.status, 401);
    assert.notEqual(list.status, 403);
    const viewer = await token('viewer', 'viewer-password-1', 'read');
    const read = await fetch(`${red.url}/lockbridge/accounts/nope/locks`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    assert.notEqual(read.status, 401);
    const write = await fetch(`${red.url}/lockbridge/accounts/nope/two-factor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
      body: JSON.stringify({ code: '123456' }),
    });
    assert.equal(write.status, 401);
  });
});
