import { randomBytes } from 'node:crypto';
import { EmulatorHttpError } from '../kit/server';
import { ACCEPT_VERSIONS, ROUTES, REMOTE_COMMANDS, type RemoteCommand } from './api';
import { bodyObject, lockFor, requireBridgeOnline } from './access';
import type { EmuContext } from './context';
import type { EmuLock } from './state';
import { recordLockActivity } from './activity';

const FINAL: Record<string, string> = {
  locked: 'kAugLockState_Locked',
  unlocked: 'kAugLockState_Unlocked',
  unlatched: 'kAugLockState_Unlatched',
};
const MOVING: Partial<Record<RemoteCommand, string>> = {
  lock: 'kAugLockState_Locking',
  secure: 'kAugLockState_Locking',
  unlock: 'kAugLockState_Unlocking',
  unlatch: 'kAugLockState_Unlatching',
};
const JAMMED = 'FAILED_BRIDGE_ERROR_LOCK_JAMMED';

function isCommand(value: string): value is RemoteCommand {
  return (REMOTE_COMMANDS as readonly string[]).includes(value);
}

/**
 * PUT /remoteoperate/{lockID}/{command}: v1, and v2 with accept-version 2.0.0 (same answer [INF]).
 * sync (default) answers when the bridge is done; async answers 202 and sends the result to the
 * webhook and the websocket. Bridge offline 422 (code 98), lock busy 423, bridge timeout 408, a
 * command outside the enum or unlatch on a lock that cannot 501, a jammed lock reports jammed.
 */
export function registerRemoteRoutes(emu: EmuContext): void {
  const { state } = emu;

  emu.route('PUT', ROUTES.remoteOperate, async (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user);
    const command = req.params.command;
    if (!isCommand(command)) throw new EmulatorHttpError(501, 'Invalid remote command');
    if (command === 'unlatch' && !lock.unlatch) throw new EmulatorHttpError(501, 'This lock cannot unlatch');
    const type = req.query.get('type') ?? 'sync';
    if (type !== 'sync' && type !== 'async') throw new EmulatorHttpError(400, 'type must be sync or async');
    const retryLimit = req.query.get('retryLimit');
    if (retryLimit !== null && !['1', '2', '3'].includes(retryLimit))
      throw new EmulatorHttpError(400, 'retryLimit must be 1, 2 or 3');
    const notificationType = req.query.get('notificationType');
    if (notificationType !== null && notificationType !== 'pubnub' && notificationType !== 'websocket')
      throw new EmulatorHttpError(400, 'notificationType must be pubnub or websocket');
    const version = req.headers['accept-version'];
    if (
      version !== undefined &&
      version !== ACCEPT_VERSIONS.default &&
      version !== ACCEPT_VERSIONS.remoteOperateV2
    )
      throw new EmulatorHttpError(410, 'Unsupported accept-version for remote operate');
    const body = bodyObject(req.body);
    const ext = body.extendedfunction as { function?: unknown; parameters?: unknown } | undefined;
    if (command === 'extendedfunction' && (!ext || typeof ext.function !== 'string'))
      throw new EmulatorHttpError(400, 'extendedfunction.function is required');
    const webhook = typeof body.webhook === 'string' ? body.webhook : undefined;

    if (!lock.bridge || !lock.bridge.online) {
      emu.push(lock, offlinePush(lock, command));
      requireBridgeOnline(lock);
    }
    if (lock.busyUntil > emu.now()) throw new EmulatorHttpError(423, 'Lock in use');

    const run = operate(emu, lock, command, ctx.user.userId, ext);
    if (type === 'async') {
      run.then(
        (result) => emu.webhook(webhook, result),
        () =>
          emu.webhook(webhook, {
            lockID: lock.LockID,
            result: 'failed',
            status: 'unknown',
            info: { action: command },
          }),
      );
      return { status: 202 };
    }
    return { status: 200, body: await run };
  });
}

function offlinePush(lock: EmuLock, command: string): Record<string, unknown> {
  return {
    remoteEvent: 1,
    status: 'unknown',
    result: 'failed',
    error: {
      message: 'Bridge is offline',
      statusCode: 422,
      body: { code: 98, message: 'Bridge is offline' },
      restCode: 98,
      name: 'ERRNO_BRIDGE_OFFLINE',
      code: 'Error',
    },
    info: { lockID: lock.LockID, action: command },
  };
}

/** Runs one command on the emulated bridge: moving state, a delay, then the final state. */
function operate(
  emu: EmuContext,
  lock: EmuLock,
  command: RemoteCommand,
  userId: string,
  ext: { function?: unknown; parameters?: unknown } | undefined,
): Promise<Record<string, unknown>> {
  const started = emu.now();
  lock.busyUntil = started + emu.timing.opDelayMs + 1;
  const info = {
    action: command,
    startTime: new Date(started).toISOString(),
    context: {
      transactionID: randomBytes(5).toString('base64url'),
      startDate: new Date(started).toISOString(),
      retryCount: 1,
    },
    lockType: `lock_version_${lock.Type}`,
    serialNumber: lock.SerialNumber,
    rssi: -55,
    wlanRSSI: -42,
    wlanSNR: 50,
    lockID: lock.LockID,
    bridgeID: lock.bridge?.id,
    serial: lock.SerialNumber,
  };
  const moving = MOVING[command];
  if (moving && !lock.jammed) emu.push(lock, { remoteEvent: 1, status: moving, info });

  return new Promise((resolve, reject) => {
    emu.later(emu.timing.opDelayMs, () => {
      lock.busyUntil = 0;
      if (lock.bridge?.timeout) {
        reject(new EmulatorHttpError(408, 'Bridge timed out'));
        return;
      }
      const before = lock.bolt;
      let status: string;
      if (lock.jammed) {
        status =
          command === 'status'
            ? 'kAugLockState_UnknownStaticPosition'
            : moving || command === 'secure'
              ? JAMMED
              : FINAL[lock.bolt];
      } else {
        if (command === 'lock' || command === 'secure') lock.bolt = 'locked';
        if (command === 'unlock') lock.bolt = 'unlocked';
        if (command === 'unlatch') {
          lock.bolt = 'unlatched';
          emu.later(emu.timing.unlatchHoldMs, () => {
            if (lock.bolt === 'unlatched') lock.bolt = 'unlocked';
          });
        }
        status = command === 'secure' ? 'kAugLockState_SecureMode' : FINAL[lock.bolt];
      }
      const changed = lock.bolt !== before;
      if (changed) lock.statusAt = new Date(emu.now()).toISOString();
      if (!lock.jammed && (command === 'lock' || command === 'unlock' || command === 'unlatch'))
        recordLockActivity(emu.state, lock, emu.now(), 'remote', command, emu.state.users.get(userId));
      const duration = Math.max(0, emu.now() - started);
      const result: Record<string, unknown> = {
        status,
        info: { ...info, duration, lockStatusChanged: changed },
        retryCount: 1,
        totalTime: duration,
        resultsFromOperationCache: false,
      };
      if (lock.doorSense)
        result.doorState = lock.door === 'open' ? 'kAugDoorState_Open' : 'kAugDoorState_Closed';
      if (command === 'extendedfunction') result.extendedfunction = { function: ext?.function, info: {} };
      emu.push(lock, { remoteEvent: 1, callingUserID: userId, ...result });
      resolve(result);
    });
  });
}
