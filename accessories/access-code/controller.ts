import { createHash } from 'node:crypto';
import { LockbridgeError, toLockbridgeError } from '../../src/core/errors';
import type { LockEvent } from '../../src/core/events';
import type { LockSource } from '../../src/core/lock-source';
import type { AccessCode, Lock } from '../../src/core/model';
import type { Storage } from '../../src/core/storage';
import type {
  Characteristic,
  LockHandle,
  LockServiceBinding,
  PlatformAccessory,
  Service,
} from '../hap-types';
import { ensureService, noResponse, removeService } from '../services/handlers';
import { decodeRequest, encodeResponse, encodeSupportedConfiguration, MalformedRequestError } from './codec';
import { holdsHomeKitCodes, supportedConfigurationOf } from './eligibility';
import { AccessCodeOperations, activeOnLock, type CodeBackend, type Timers } from './operations';
import { statusName } from './status';
import { AccessCodeStore } from './store';

export interface AccessCodeSettings {
  /** How long a code write waits for the engine before the Home app gets its answer. */
  answerWithinMs: number;
  /** How often the lock's codes are re-read to notice changes made elsewhere (0: never). */
  pollMs: number;
  /** Most items in one ControlPoint request. */
  maxBulk: number;
}

export const DEFAULT_ACCESS_CODE_SETTINGS: AccessCodeSettings = {
  answerWithinMs: 2500,
  pollMs: 300_000,
  maxBulk: 10,
};

export interface AccessCodeDeps {
  /** Lockbridge's folder in Homebridge's storage directory. */
  storage: Storage;
  source(): LockSource | undefined;
  settings: AccessCodeSettings;
  timers?: Timers & {
    setInterval(fn: () => void, ms: number): unknown;
    clearInterval(handle: unknown): void;
  };
}

const REAL_TIMERS = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn: () => void, ms: number) => setInterval(fn, ms).unref(),
  clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout),
};

/** HAP's Access.READ and Access.WRITE (a const enum in HAP-NodeJS's types, so written as numbers). */
const ADMIN_READ_WRITE = [0, 1];

/**
 * HomeKit's Access Code service on one lock ("Manage Access" in the Home app): ControlPoint,
 * SupportedConfiguration and ConfigurationState. One controller per lock accessory, kept across
 * re-binds of the accessory's services; it owns the lock's identifiers, the counter and the poll.
 */
export class AccessCodeController {
  private store?: Promise<AccessCodeStore>;
  private operations?: AccessCodeOperations;
  private service?: Service;
  private state?: Characteristic;
  private poller?: unknown;
  /** Fingerprint of the lock's codes at the last poll (ids and PINs hashed; memory only). */
  private lastPrint?: string;
  private readonly timers;

  constructor(
    private readonly handle: LockHandle,
    private readonly lockId: () => string,
    private readonly deps: AccessCodeDeps,
  ) {
    this.timers = deps.timers ?? REAL_TIMERS;
  }

  static eligible(lock: Lock): boolean {
    return holdsHomeKitCodes(lock);
  }

  /** Adds (or finds) the service on the accessory and wires its characteristics once. */
  bind(accessory: PlatformAccessory, name: string): LockServiceBinding {
    const { hap } = this.handle;
    const service = ensureService(hap, accessory, hap.Service.AccessCode, `${name} Access Codes`);
    if (service !== this.service) {
      this.service = service;
      this.wire(service, name);
    }
    if (this.poller === undefined && this.deps.settings.pollMs > 0)
      this.poller = this.timers.setInterval(() => void this.poll(), this.deps.settings.pollMs);
    void this.ready().catch(() => undefined);
    return { update: (lock) => this.update(lock) };
  }

  /** The lock can no longer hold codes: the service goes, the poll stops (the stored state stays). */
  unbind(accessory: PlatformAccessory): void {
    this.stop();
    this.service = undefined;
    removeService(accessory, this.handle.hap.Service.AccessCode);
  }

  stop(): void {
    if (this.poller !== undefined) this.timers.clearInterval(this.poller);
    this.poller = undefined;
  }

  /** A code event from the source (any surface): committed changes bump ConfigurationState. */
  onCodeEvent(event: Extract<LockEvent, { type: 'code' }>): void {
    void this.ready()
      .then(async (ops) => {
        if (!ops.onCodeEvent(event)) return;
        await this.count('a code change was committed');
        // The poll's baseline moves past the change just counted, so it is not counted twice; a
        // change made elsewhere after this read is still seen by the next poll.
        this.lastPrint = fingerprint(activeOnLock(await this.backend().list()));
      })
      .catch((err: unknown) => this.handle.log.warn(`Access codes: ${toLockbridgeError(err).message}`));
  }

  private update(lock: Lock): void {
    if (lock.codeRules && holdsHomeKitCodes(lock))
      this.service
        ?.getCharacteristic(this.handle.hap.Characteristic.AccessCodeSupportedConfiguration)
        .updateValue(
          encodeSupportedConfiguration(supportedConfigurationOf(lock.codeRules)).toString('base64'),
        );
  }

  private ready(): Promise<AccessCodeOperations> {
    if (!this.store) this.store = AccessCodeStore.load(this.deps.storage, this.lockId());
    return this.store.then((store) => {
      if (!this.operations) {
        this.operations = new AccessCodeOperations(this.backend(), store, {
          answerWithinMs: this.deps.settings.answerWithinMs,
          maxBulk: this.deps.settings.maxBulk,
          timers: this.timers,
          now: () => Date.now(),
        });
        this.state?.updateValue(store.configurationState);
      }
      return this.operations;
    });
  }

  private backend(): CodeBackend {
    const source = () => {
      const s = this.deps.source();
      if (!s) throw new LockbridgeError('not_ready', 'Lockbridge is not running');
      return s;
    };
    const lockId = this.lockId;
    return {
      list: async () => source().listCodes(lockId()),
      create: async (name, code) => source().createCode(lockId(), { name, code }),
      update: async (codeId, code) => source().updateCode(lockId(), codeId, { code }),
      remove: async (codeId) => source().deleteCode(lockId(), codeId),
    };
  }

  private wire(service: Service, name: string): void {
    const { hap } = this.handle;
    const C = hap.Characteristic;
    const control = service.getCharacteristic(C.AccessCodeControlPoint);
    // The ADK makes the control point admin-only: guests' and shared users' controllers cannot list
    // or read the PINs.
    control.setProps({ adminOnlyAccess: ADMIN_READ_WRITE as never });
    // HAP-NodeJS keeps a write response as the characteristic's value, which any paired controller
    // could read back (and Homebridge would cache on disk): reads answer nothing (or "No Response",
    // like every characteristic of a lock that is offline).
    control.onGet(() => {
      this.handle.available();
      return '';
    });
    control.onSet(async (value) => {
      const answer = await this.control(value, name);
      // After HAP-NodeJS has stored the answer as the value and sent it: wipe it.
      setImmediate(() => {
        control.value = '';
      });
      return answer;
    });

    service.getCharacteristic(C.AccessCodeSupportedConfiguration).onGet(() => {
      const rules = this.handle.available().codeRules;
      if (!rules) throw noResponse(hap);
      return encodeSupportedConfiguration(supportedConfigurationOf(rules)).toString('base64');
    });

    this.state = service.getCharacteristic(C.ConfigurationState);
    this.state.onGet(async () => {
      this.handle.available();
      try {
        await this.ready();
        return (await this.store!).configurationState;
      } catch (err) {
        this.handle.log.warn(`${name}: access codes unreadable (${toLockbridgeError(err).code})`);
        throw noResponse(hap);
      }
    });
  }

  /** One ControlPoint write: decoded, run through the engine, answered; never a PIN in the log. */
  private async control(value: unknown, name: string): Promise<string> {
    const { hap, log } = this.handle;
    this.handle.available();
    let request;
    try {
      request = decodeRequest(Buffer.from(typeof value === 'string' ? value : '', 'base64'));
    } catch (err) {
      if (err instanceof MalformedRequestError) {
        log.warn(`${name}: the Home app sent an access-code request that could not be read`);
        throw new hap.HapStatusError(hap.HAPStatus.INVALID_VALUE_IN_REQUEST);
      }
      throw err;
    }
    try {
      const ops = await this.ready();
      const started = Date.now();
      const response = await ops.handle(request);
      log.info(
        `${name}: Home app access-code operation ${request.operation} on ${response.items.length} item(s): ` +
          `${response.items.map((i) => `${i.identifier ?? '-'}=${statusName(i.status)}`).join(', ') || 'no codes'} ` +
          `(${Date.now() - started} ms)`,
      );
      return encodeResponse(response).toString('base64');
    } catch (err) {
      if (err instanceof hap.HapStatusError) throw err;
      const e = toLockbridgeError(err);
      log.warn(`${name}: access-code operation ${request.operation} failed: ${e.message} (${e.code})`);
      throw noResponse(hap);
    }
  }

  /** Bumps ConfigurationState, saved before HomeKit is told (a restart never repeats a number). */
  private async count(why: string): Promise<void> {
    const store = await this.store!;
    const n = await store.bump();
    this.state?.updateValue(n);
    this.handle.log.debug(`Access codes of ${this.lockId()}: configuration state ${n} (${why})`);
  }

  /**
   * Notices codes changed elsewhere (the vendor's app, a keypad, another Lockbridge): the lock's
   * codes are re-read and compared with the last look. While an operation of the engine is on its
   * way the poll waits: its outcome is counted by its event (and the Home app then reads everything).
   */
  private async poll(): Promise<void> {
    const lock = this.handle.known();
    if (!lock || !this.deps.source() || !lock.status.online) return;
    try {
      const store = await this.store!;
      const ops = await this.ready();
      if (ops.inFlight()) return;
      const codes = activeOnLock(await this.backend().list());
      const ids = codes.map((c) => c.id).sort();
      const print = fingerprint(codes);
      const before = this.lastPrint;
      this.lastPrint = print;
      const known = store.knownCodeIds;
      const changedWhileDown = before === undefined && known !== undefined && known.join() !== ids.join();
      const changed = before !== undefined && before !== print;
      if (known === undefined || known.join() !== ids.join()) {
        store.knownCodeIds = ids;
        await store.save();
      }
      if (changed || changedWhileDown) await this.count('the codes changed at the vendor');
    } catch (err) {
      this.handle.log.debug(`Access codes of ${this.lockId()}: poll failed (${toLockbridgeError(err).code})`);
    }
  }
}

function fingerprint(codes: AccessCode[]): string {
  const h = createHash('sha256');
  for (const c of [...codes].sort((a, b) => a.id.localeCompare(b.id)))
    h.update(`${c.id}\u0000${c.code ?? ''}\u0001`);
  return h.digest('hex');
}
