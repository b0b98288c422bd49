import assert from 'node:assert/strict';
import { BrokerAcl, secretEquals } from '../../src/mqtt/broker-acl';
import type { BrokerRights, BrokerUser } from '../../src/mqtt/broker-users';
import { hashPasswordSync } from '../../src/mqtt/password-hash';
import { Topics, filtersOverlap, topicMatches } from '../../src/mqtt/topics';

describe('mqtt topics and ACL', () => {
  const topics = new Topics('lockbridge');

  it('routes topics: lock ids, operations, filters', () => {
    assert.equal(topics.lockOf('lockbridge/august_1/set', 'set'), 'august_1');
    assert.equal(topics.lockOf('lockbridge/bridge/set', 'set'), undefined);
    assert.equal(topics.lockOf('lockbridge/a/b/set', 'set'), undefined);
    assert.equal(topics.lockOf('other/august_1/set', 'set'), undefined);
    assert.equal(topics.operationOfRequest('lockbridge/bridge/request/codes/list'), 'codes/list');
    assert.equal(topics.operationOfRequest('lockbridge/bridge/request/'), undefined);
    assert.ok(topicMatches('lockbridge/+/set', 'lockbridge/x/set'));
    assert.ok(topicMatches('lockbridge/#', 'lockbridge/x/set'));
    assert.ok(!topicMatches('lockbridge/+/set', 'lockbridge/x/y/set'));
    assert.ok(filtersOverlap('#', 'lockbridge/bridge/response/#'));
    assert.ok(filtersOverlap('lockbridge/+/response/x', 'lockbridge/bridge/response/#'));
    assert.ok(filtersOverlap('+/+/+/+', 'lockbridge/bridge/response/#'));
    assert.ok(!filtersOverlap('lockbridge/+/state', 'lockbridge/bridge/response/#'));
    assert.ok(!filtersOverlap('lockbridge/bridge/request/#', 'lockbridge/bridge/response/#'));
  });

  it('compares secrets in constant time over equal-length digests', () => {
    assert.ok(secretEquals('1234', '1234'));
    assert.ok(!secretEquals('1234', '12345'));
    assert.ok(!secretEquals(undefined, '1234'));
    assert.ok(secretEquals(Buffer.from('pässword'), 'pässword'));
  });

  const user = (username: string, password: string, rights: BrokerRights): BrokerUser => ({
    username,
    rights,
    password: hashPasswordSync(password),
  });
  const acl = (allowedUsers: string[], users?: BrokerUser[]) =>
    new BrokerAcl({
      topics,
      discoveryPrefix: 'homeassistant',
      users,
      bridgeLogin: { username: 'lockbridge-x', password: 'bridge-secret' },
      allowedUsers,
    });

  it('authenticates each user by its own password, and the bridge; nobody else once there are users', async () => {
    const a = acl([], [user('home', 'pw-123', 'command'), user('guest', 'pw-guest', 'read')]);
    assert.ok(await a.authenticate('home', Buffer.from('pw-123')));
    assert.ok(!(await a.authenticate('home', Buffer.from('pw-124'))));
    assert.ok(!(await a.authenticate('home', Buffer.from('pw-guest'))), "another user's password");
    assert.ok(!(await a.authenticate('nobody', Buffer.from('pw-123'))));
    assert.ok(!(await a.authenticate(undefined, undefined)));
    assert.ok(await a.authenticate('lockbridge-x', Buffer.from('bridge-secret')));
    assert.ok(!(await a.authenticate('lockbridge-x', undefined)), 'the bridge name alone is not enough');
    const open = acl([]);
    assert.ok(await open.authenticate(undefined, undefined), 'anonymous on loopback without users');
    assert.ok(!(await open.authenticate('lockbridge-x', Buffer.from('guess'))));
  });

  it('lets only users with rights "command" command, only the bridge publish what it owns, and nobody retain a command', () => {
    const a = acl([], [user('alice', 'a-pass', 'command'), user('bob', 'b-pass', 'read')]);
    assert.equal(a.mayPublish('alice', 'lockbridge/x/set').ok, true);
    assert.equal(a.mayPublish('alice', 'lockbridge/x/set', true).ok, false);
    assert.equal(a.mayPublish('alice', 'lockbridge/bridge/request/codes/list', true).ok, false);
    assert.equal(a.mayPublish('bob', 'lockbridge/x/set').ok, false);
    assert.equal(a.mayPublish('bob', 'lockbridge/bridge/request/locks').ok, false);
    assert.equal(a.mayPublish(undefined, 'lockbridge/bridge/request/locks').ok, false);
    assert.equal(a.mayPublish('alice', 'lockbridge/x/state').ok, false);
    assert.equal(a.mayPublish('alice', 'lockbridge/bridge/locks').ok, false);
    assert.equal(a.mayPublish('alice', 'homeassistant/lock/lockbridge/lockbridge_x_lock/config').ok, false);
    assert.equal(a.mayPublish('alice', '$SYS/x').ok, false);
    assert.equal(a.mayPublish('lockbridge-x', 'lockbridge/x/state').ok, true);
    assert.equal(a.maySubscribe('bob', 'lockbridge/bridge/response/locks').ok, false);
    assert.equal(a.maySubscribe('bob', 'lockbridge/+/state').ok, true);
    assert.equal(a.maySubscribe('alice', '#').ok, true);
    assert.equal(acl([]).mayPublish(undefined, 'lockbridge/x/set').ok, true);
    // allowedUsers narrows who of the "command" users may command.
    const narrowed = acl(['carol'], [user('alice', 'a', 'command'), user('carol', 'c', 'command')]);
    assert.equal(narrowed.mayPublish('alice', 'lockbridge/x/set').ok, false);
    assert.equal(narrowed.mayPublish('carol', 'lockbridge/x/set').ok, true);
    // Without users a name proves nothing: allowedUsers then lets nobody command (fails closed).
    assert.equal(acl(['alice']).mayPublish('alice', 'lockbridge/x/set').ok, false);
  });

  it('lets every user ask for a state on <lock>/get, never retained, and only the bridge publish bridge/info', () => {
    const a = acl(['alice'], [user('alice', 'a-pass', 'command'), user('bob', 'b-pass', 'read')]);
    for (const who of ['alice', 'bob']) {
      assert.equal(a.mayPublish(who, 'lockbridge/x/get').ok, true, who);
      assert.equal(a.mayPublish(who, 'lockbridge/x/get', true).ok, false, who);
      assert.equal(a.mayPublish(who, 'lockbridge/bridge/info').ok, false, who);
      assert.equal(a.mayPublish(who, 'lockbridge/bridge/health').ok, false, who);
    }
    assert.equal(a.mayPublish('bob', 'lockbridge/x/set').ok, false, 'STATUS on set needs command rights');
    assert.equal(a.mayPublish('lockbridge-x', 'lockbridge/bridge/info', true).ok, true);
  });

  it("lets nobody but the bridge publish under the discovery prefix, Home Assistant's birth topic aside", () => {
    const a = acl([], [user('alice', 'a-pass', 'command')]);
    for (const retain of [true, false]) {
      // Another node id that would reuse the bridge's device id: refused, retained or not.
      assert.equal(a.mayPublish('alice', 'homeassistant/lock/other/x/config', retain).ok, false);
      assert.equal(a.mayPublish('alice', 'homeassistant/sensor/evil/battery/config', retain).ok, false);
      assert.equal(a.mayPublish('alice', 'homeassistant/status', retain).ok, true);
    }
    assert.equal(a.mayPublish('lockbridge-x', 'homeassistant/lock/lockbridge/x/config', true).ok, true);
  });
});
