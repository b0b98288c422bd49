import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../runtime-line';

/**
 * A Matter controller for tests: matter.js (`@project-chip/matter.js`, installed with line 2 only, the
 * version matching Homebridge's `@matter/main`) commissions a node by known address over loopback and
 * drives its DoorLock endpoints. matter.js is loaded from test/line2 at run time (line 1 has none), so
 * its types are written narrowly here. Its mDNS is silenced (silent-mdns.cjs) before anything starts.
 */
const LINE2_MODULES = join(REPO_ROOT, 'test', 'line2', 'node_modules');
const load = createRequire(join(LINE2_MODULES, 'lockbridge-matter-controller.js'));

/** Where Homebridge's @matter/general lives (for the child's preload), or undefined without line 2. */
export function matterGeneralDir(): string | undefined {
  const dir = join(LINE2_MODULES, '@matter', 'general');
  return existsSync(join(dir, 'package.json')) ? dir : undefined;
}

export function controllerAvailable(): boolean {
  return existsSync(join(LINE2_MODULES, '@project-chip', 'matter.js', 'package.json'));
}

interface Vars {
  set(key: string, value: unknown): void;
}
interface Environment {
  vars: Vars;
}
interface ClusterClient {
  lockDoor(request: Record<string, unknown>): Promise<void>;
  unlockDoor(request: Record<string, unknown>): Promise<void>;
  getLockStateAttribute(requestFromRemote?: boolean): Promise<number | null>;
  getStateValueAttribute(requestFromRemote?: boolean): Promise<boolean>;
  getNodeLabelAttribute(requestFromRemote?: boolean): Promise<string>;
  getReachableAttribute(requestFromRemote?: boolean): Promise<boolean>;
}
interface DeviceEndpoint {
  getNumber(): number;
  getClusterClient(cluster: unknown): ClusterClient | undefined;
  getChildEndpoints(): DeviceEndpoint[];
}
interface PairedNode {
  connect(): void;
  events: { initializedFromRemote: { on(listener: () => void): void } };
  readonly remoteInitializationDone: boolean;
  getDevices(): DeviceEndpoint[];
  disconnect(): Promise<void>;
}
interface Controller {
  start(): Promise<void>;
  commissionNode(options: Record<string, unknown>): Promise<bigint | number>;
  getNode(nodeId: bigint | number): Promise<PairedNode>;
  close(): Promise<void>;
}
type ControllerClass = new (options: Record<string, unknown>) => Controller;
interface PeerDescriptor {
  operationalAddress?: { ip: string; port: number; type: 'udp' };
}
interface PeerSetClass {
  prototype: { for(this: unknown, address: unknown): { descriptor: PeerDescriptor } };
}

/**
 * Without mDNS the controller cannot discover the node's operational address after commissioning
 * (step 18, "Reconnect", resolves `_matter._tcp` names). matter.js falls back to a peer's known
 * operational address; this gives every new peer the address the node was commissioned at.
 */
function knownOperationalAddress(peerSet: PeerSetClass, ip: string, port: number): void {
  const original = peerSet.prototype.for;
  peerSet.prototype.for = function (this: unknown, address: unknown) {
    const peer = original.call(this, address);
    if (!peer.descriptor.operationalAddress) peer.descriptor.operationalAddress = { ip, port, type: 'udp' };
    return peer;
  };
}

/** A DoorLock endpoint of the commissioned bridge, with the name its bridged node carries. */
export interface MatterLockEndpoint {
  name: string;
  /** BridgedDeviceBasicInformation.reachable, as read at discovery. */
  reachable: boolean;
  endpoint: number;
  doorLock: ClusterClient;
  /** The door's contact sensor part, where the lock has one. */
  door?: ClusterClient;
}

export interface CommissionTarget {
  /** Storage folder for the controller's fabric. */
  storage: string;
  host: string;
  port: number;
  passcode: number;
  discriminator: number;
}

export class MatterTestController {
  private constructor(
    private readonly controller: Controller,
    readonly node: PairedNode,
  ) {}

  /** Commissions the node by its known address and connects to it; resolves when its structure is read. */
  static async commission(target: CommissionTarget): Promise<MatterTestController> {
    const { silenceMdns } = load(join(__dirname, 'silent-mdns.cjs')) as {
      silenceMdns(general: unknown): void;
    };
    const general = load('@matter/general') as { Logger: { level: string } };
    silenceMdns(general);
    const protocol = load('@matter/protocol') as { PeerSet: PeerSetClass };
    knownOperationalAddress(protocol.PeerSet, target.host, target.port);
    const main = load('@matter/main') as { Environment: { default: Environment } };
    const environment = main.Environment.default;
    environment.vars.set('storage.path', target.storage);
    environment.vars.set('mdns.ipv4', false);
    const { CommissioningController } = load('@project-chip/matter.js') as {
      CommissioningController: ControllerClass;
    };
    const controller = new CommissioningController({
      environment: { environment, id: 'lockbridge-test-controller' },
      autoConnect: false,
      adminFabricLabel: 'Lockbridge test',
      listeningAddressIpv4: '127.0.0.1',
      listeningAddressIpv6: '::1',
    });
    // The controller's own log: errors only (commissioning is reported by the test's figures).
    general.Logger.level = 'error';
    await controller.start();
    try {
      const nodeId = await controller.commissionNode({
        commissioning: { regulatoryLocation: 0, regulatoryCountryCode: 'XX' },
        discovery: {
          knownAddress: { ip: target.host, port: target.port, type: 'udp' },
          identifierData: { longDiscriminator: target.discriminator },
        },
        passcode: target.passcode,
      });
      const node = await controller.getNode(nodeId);
      if (!node.remoteInitializationDone) {
        const initialized = new Promise<void>((resolve) => node.events.initializedFromRemote.on(resolve));
        node.connect();
        await initialized;
      }
      return new MatterTestController(controller, node);
    } catch (err) {
      await controller.close().catch(() => undefined);
      throw err;
    }
  }

  /** Every DoorLock endpoint of the bridge, by the bridged node's label. */
  async doorLocks(): Promise<MatterLockEndpoint[]> {
    const clusters = load('@matter/main/clusters') as {
      DoorLock: { Cluster: unknown };
      BridgedDeviceBasicInformation: { Cluster: unknown };
      BooleanState: { Cluster: unknown };
    };
    const all: DeviceEndpoint[] = [];
    const walk = (endpoints: DeviceEndpoint[]) => {
      for (const e of endpoints) {
        all.push(e);
        walk(e.getChildEndpoints());
      }
    };
    walk(this.node.getDevices());
    const out: MatterLockEndpoint[] = [];
    for (const e of all) {
      const doorLock = e.getClusterClient(clusters.DoorLock.Cluster);
      if (!doorLock) continue;
      const info = e.getClusterClient(clusters.BridgedDeviceBasicInformation.Cluster);
      const name = info ? await info.getNodeLabelAttribute(true) : '';
      const reachable = info ? await info.getReachableAttribute(true) : false;
      const door = e
        .getChildEndpoints()
        .map((c) => c.getClusterClient(clusters.BooleanState.Cluster))
        .find((c) => c !== undefined);
      out.push({ name, reachable, endpoint: e.getNumber(), doorLock, ...(door ? { door } : {}) });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.node.disconnect().catch(() => undefined);
    await this.controller.close();
  }
}
