/**
 * lockbridge-code: access codes on a lock: list, create, update, delete, generate, validate, and a
 * code set across several locks. The action comes from msg.action or the node, the details from
 * msg.payload, the schedule from msg.payload.schedule or the node. Output 1: the result; output 2
 * (and Catch nodes): the typed error with every reason in msg.error.
 */
import { LockbridgeError, isErrorCode } from '../src/core/errors';
import type { AccessCodeInput, CodeOperationResult, CodeSetInput, Schedule } from '../src/core/model';
import { isObj, need, readIdList, readLockId, readPin, readSchedule, str, type Obj } from './lib/messages';
import { invalidInput } from './lib/errors';
import { resolveLockId } from './lib/resolve-lock';
import type { Node, NodeDef, RED } from './lib/red';
import { busyStatus, okStatus } from './lib/status';
import { bindAccount, onInput, sourceOf } from './lib/user-node';

const CODE_ACTIONS = ['list', 'create', 'update', 'delete', 'generate', 'validate', 'set'] as const;
type CodeAction = (typeof CODE_ACTIONS)[number];

interface CodeNodeDef extends NodeDef {
  account?: string;
  lock?: string;
  action?: string;
  /** Schedule set in the editor: '' (none), always, time_bound, recurring. */
  scheduleKind?: string;
  scheduleStart?: string;
  scheduleEnd?: string;
  scheduleDays?: string;
  scheduleFrom?: string;
  scheduleTo?: string;
}

function readAction(msg: Obj, payload: Obj, configured: string | undefined): CodeAction {
  const raw = str(msg.action) ?? str(payload.action) ?? str(configured);
  const action = raw?.toLowerCase();
  if (!action || !(CODE_ACTIONS as readonly string[]).includes(action))
    throw invalidInput(`The action must be one of ${CODE_ACTIONS.join(', ')} (msg.action or the node)`);
  return action as CodeAction;
}

/** The schedule chosen in the editor, if any. */
function editorSchedule(config: CodeNodeDef): Schedule | undefined {
  switch (config.scheduleKind) {
    case 'always':
      return { kind: 'always' };
    case 'time_bound':
      return readSchedule(
        { kind: 'time_bound', start: config.scheduleStart, end: config.scheduleEnd },
        'the node schedule',
      );
    case 'recurring':
      return readSchedule(
        {
          kind: 'recurring',
          days: (config.scheduleDays ?? '').split(',').filter(Boolean),
          startTime: config.scheduleFrom,
          endTime: config.scheduleTo,
        },
        'the node schedule',
      );
    default:
      return undefined;
  }
}

function codeInput(payload: Obj, schedule: Schedule | undefined, partial: boolean): Partial<AccessCodeInput> {
  const input: Partial<AccessCodeInput> = {};
  const name = str(payload.name);
  if (name) input.name = name.slice(0, 200);
  else if (!partial) throw invalidInput('msg.payload.name is required (a string)');
  const code = readPin(payload.code, 'msg.payload.code');
  if (code !== undefined) input.code = code;
  if (schedule) input.schedule = schedule;
  const userId = str(payload.userId);
  if (userId) input.userId = userId;
  return input;
}

function codeIdOf(msg: Obj, payload: Obj): string {
  const id = str(payload.codeId) ?? str(payload.id) ?? str(msg.codeId);
  if (!id) throw invalidInput('The code id is required (msg.payload.codeId)');
  return id;
}

/** A create/update/delete that the lock refused ends as an error, with the vendor's reason code. */
function checkOutcome(result: CodeOperationResult): CodeOperationResult {
  if (result.outcome !== 'failed') return result;
  const code = isErrorCode(result.error?.code) ? result.error.code : 'vendor_error';
  throw new LockbridgeError(
    code,
    result.error?.message ?? `The code ${result.operation} failed on the lock`,
    {
      lockId: result.lockId,
    },
  );
}

export = function register(RED: RED): void {
  function LockbridgeCodeNode(this: Node, config: CodeNodeDef): void {
    RED.nodes.createNode(this, config);
    setup(this, config);
  }

  function setup(node: Node, config: CodeNodeDef): void {
    const account = bindAccount(RED, node, config.account);

    onInput(
      node,
      async ({ msg, send }) => {
        if (msg.payload !== undefined && msg.payload !== null && msg.payload !== '' && !isObj(msg.payload))
          throw invalidInput('msg.payload must be an object with the code details');
        const payload: Obj = isObj(msg.payload) ? msg.payload : {};
        const action = readAction(msg, payload, config.action);
        const schedule = readSchedule(payload.schedule, 'msg.payload.schedule') ?? editorSchedule(config);
        const source = await sourceOf(account);
        node.status(busyStatus(action));
        let result: unknown;
        if (action === 'set') {
          const input: CodeSetInput = {
            name: need(payload, 'name'),
            lockIds: await Promise.all(
              readIdList(payload.lockIds ?? msg.locks, 'msg.payload.lockIds').map((ref) =>
                resolveLockId(source, ref),
              ),
            ),
          };
          const code = readPin(payload.code, 'msg.payload.code');
          if (code !== undefined) input.code = code;
          if (schedule) input.schedule = schedule;
          if (payload.codePerLock === true) input.codePerLock = true;
          result = await source.createCodeSet(input);
        } else {
          const lockId = await resolveLockId(source, readLockId(msg, config.lock));
          msg.lock = lockId;
          switch (action) {
            case 'list':
              result = await source.listCodes(lockId);
              break;
            case 'create':
              result = checkOutcome(
                await source.createCode(lockId, codeInput(payload, schedule, false) as AccessCodeInput),
              );
              break;
            case 'update':
              result = checkOutcome(
                await source.updateCode(lockId, codeIdOf(msg, payload), codeInput(payload, schedule, true)),
              );
              break;
            case 'delete':
              result = checkOutcome(await source.deleteCode(lockId, codeIdOf(msg, payload)));
              break;
            case 'generate': {
              const length = payload.length;
              if (
                length !== undefined &&
                (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > 16)
              )
                throw invalidInput('msg.payload.length must be a whole number of digits (1 to 16)');
              result = await source.generateCode(lockId, length === undefined ? undefined : { length });
              break;
            }
            case 'validate': {
              const input = codeInput(payload, schedule, true);
              if (input.code === undefined) throw invalidInput('msg.payload.code is required to validate');
              result = await source.validateCode(lockId, { name: input.name ?? 'validate', ...input });
              break;
            }
          }
        }
        msg.action = action;
        msg.payload = result;
        node.status(okStatus(action));
        send([msg, null]);
      },
      { errorOutput: { index: 1, count: 2 } },
    );
  }

  RED.nodes.registerType('lockbridge-code', LockbridgeCodeNode);
};
