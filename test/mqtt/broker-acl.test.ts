import assert from 'node:assert/strict';
import { BrokerAcl, secretEquals } from '../../src/mqtt/broker-acl';
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

  const acl = (allowedUsers: string[], login?: { username: string; password: string }) =>
    new BrokerAcl({
      topics,
      discoveryPrefix: 'homeassistant',
      discoveryNode: 'lockbridge',
      login,
      bridgeLogin: { username: 'lockbridge-x', password: 'bridge-secret' },
      allowedUsers,
    });

  it('authenticates the configured login and the bridge, and nobody else when a login is set', () => {
    const a = acl([], { username: 'home', password: 'pw-123' });
    assert.ok(a.authenticate('home', Buffer.from('pw-123')));
    assert.ok(!a.authenticate('home', Buffer.from('pw-124')));
    assert.ok(!a.authenticate(undefined, undefined));
    assert.ok(a.authenticate('lockbridge-x', Buffer.from('bridge-secret')));
    assert.ok(!a.authenticate('lockbridge-x', undefined), 'the bridge name alone is not enough');
    const open = acl([]);
    assert.ok(open.authenticate(undefined, undefined), 'anonymous on loopback without a login');
    assert.ok(!open.authenticate('lockbridge-x', Buffer.from('guess')));
  });

  it('lets only allowed users command, only the bridge publish what it owns, and nobody retain a command', () => {
    const a = acl(['alice']);
    assert.equal(a.mayPublish('alice', 'lockbridge/x/set').ok, true);
    assert.equal(a.mayPublish('alice', 'lockbridge/x/set', true).ok, false);
    assert.equal(a.mayPublish('alice', 'lockbridge/bridge/request/codes/list', true).ok, false);
    assert.equal(a.mayPublish('bob', 'lockbridge/x/set').ok, false);
    assert.equal(a.mayPublish(undefined, 'lockbridge/bridge/request/locks').ok, false);
    assert.equal(a.mayPublish('alice', 'lockbridge/x/state').ok, false);
    assert.equal(a.mayPublish('alice', 'lockbridge/bridge/locks').ok, false);
    assert.equal(a.mayPublish('alice', 'homeassistant/lock/lockbridge/lockbridge_x_lock/config').ok, false);
    assert.equal(a.mayPublish('alice', 'homeassistant/lock/other/x/config').ok, true);
    assert.equal(a.mayPublish('alice', 'homeassistant/status').ok, true);
    assert.equal(a.mayPublish('alice', '$SYS/x').ok, false);
    assert.equal(a.mayPublish('lockbridge-x', 'lockbridge/x/state').ok, true);
    assert.equal(a.maySubscribe('bob', 'lockbridge/bridge/response/locks').ok, false);
    assert.equal(a.maySubscribe('bob', 'lockbridge/+/state').ok, true);
    assert.equal(a.maySubscribe('alice', '#').ok, true);
    assert.equal(acl([]).mayPublish(undefined, 'lockbridge/x/set').ok, true);
  });
});
