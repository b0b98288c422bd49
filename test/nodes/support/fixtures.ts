import { TestVendorEmulator } from '../../support/test-vendor/emulator';
import { testVendorFactory } from '../../support/test-vendor/driver';
import type { DriverFactory } from '../../../src/vendors/driver';
import { bridgeToDist, distModule, helper, tempDir, type TestNode } from './harness';

export const TAB = 'tab1';

/** A test vendor emulator with three locks ("front" can open and has a keypad, "garage" has none). */
export async function startTestVendor(): Promise<TestVendorEmulator> {
  const emulator = new TestVendorEmulator({ commandDelayMs: 10, codeDelayMs: 10 });
  await emulator.start();
  emulator.addLock({ id: 'front', name: 'Front Door', canOpen: true });
  emulator.addLock({ id: 'back', name: 'Back Door', state: 'unlocked' });
  emulator.addLock({ id: 'garage', name: 'Garage', keypad: false, door: 'open' });
  return emulator;
}

/**
 * Node-RED settings for the tests: a temporary userDir, and the lockbridge runtime overrides that add
 * the test vendor's driver to the shipped ones and shorten confirmation waits.
 */
export function useSettings(): { userDir: string; remove(): void } {
  const tmp = tempDir('lockbridge-nodes-');
  const { vendorDrivers } = distModule<{ vendorDrivers: Record<string, DriverFactory> }>(
    'src/vendors/registry',
  );
  // The August driver, also when the shipped table does not list it yet.
  const { augustDriverFactory } = distModule<{ augustDriverFactory: DriverFactory }>(
    'src/vendors/august/index',
  );
  helper.settings({
    userDir: tmp.dir,
    lockbridge: {
      runtime: {
        drivers: {
          august: augustDriverFactory,
          ...vendorDrivers,
          testvendor: bridgeToDist(testVendorFactory),
        },
        hub: { readbackDelaysMs: [50, 100, 200, 400], commandTimeoutMs: 3000, codeConfirmTimeoutMs: 3000 },
      },
    },
  });
  return { userDir: tmp.dir, remove: tmp.remove };
}

/** The account node of a test vendor emulator, plus its credentials. */
export function testVendorAccount(
  emulator: TestVendorEmulator,
  id = 'acc',
): { node: object; credentials: object } {
  return {
    node: {
      id,
      type: 'lockbridge-account',
      name: 'Test vendor',
      mode: 'vendor',
      vendor: 'testvendor',
      baseUrl: emulator.url,
    },
    credentials: { [id]: { apiKey: emulator.apiKey } },
  };
}

/** A node under test wired to ok/err helpers, plus a Catch node and a Complete node scoped to it. */
export function wiredFlow(node: Record<string, unknown>, outputs: number): object[] {
  const id = String(node.id);
  const wires = outputs === 2 ? [['ok'], ['err']] : [['ok']];
  return placed([
    { id: TAB, type: 'tab', label: 'test' },
    { ...node, z: TAB, wires },
    { id: 'ok', type: 'helper', z: TAB },
    { id: 'err', type: 'helper', z: TAB },
    { id: 'catch', type: 'catch', z: TAB, scope: [id], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: TAB },
    { id: 'complete', type: 'complete', z: TAB, scope: [id], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper', z: TAB },
  ]);
}

/** Gives every node on a tab a position: Node-RED takes a node without x/y for a config node. */
export function placed(flow: object[]): object[] {
  return flow.map((n, i) => ('z' in n && !('x' in n) ? { ...n, x: 100 + i * 10, y: 100 + i * 10 } : n));
}

interface AccountLike {
  connection: {
    source(): Promise<unknown>;
    view(): { state: string; error?: { code: string } };
    current(): unknown;
  };
}

/** Waits until the account node has opened its source. */
export async function accountReady(id = 'acc'): Promise<AccountLike> {
  const node = helper.getNode(id) as unknown as AccountLike;
  await node.connection.source();
  return node;
}

export function nodes(): { ok: TestNode; err: TestNode; caught: TestNode; completed: TestNode } {
  return {
    ok: helper.getNode('ok'),
    err: helper.getNode('err'),
    caught: helper.getNode('caught'),
    completed: helper.getNode('completed'),
  };
}
