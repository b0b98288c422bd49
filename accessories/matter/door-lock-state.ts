import type { DoorState, LockState } from '../../src/core/model';

/**
 * Pure mappings from the core lock model to Matter DoorLock (cluster 0x0101) values. The numbers are
 * the Matter 1.3 enums as matter.js 0.17 declares them (`@matter/types` clusters/door-lock.d.ts):
 * LockStateEnum NotFullyLocked=0 Locked=1 Unlocked=2 Unlatched=3 (null = unknown); LockTypeEnum
 * DeadBolt=0; OperatingModeEnum Normal=0.
 */
export const MATTER_LOCK_STATE = { notFullyLocked: 0, locked: 1, unlocked: 2 } as const;
export const MATTER_LOCK_TYPE_DEAD_BOLT = 0;
export const MATTER_OPERATING_MODE_NORMAL = 0;

/**
 * lockState for a core state, or null when unknown. A transition reports where the bolt still is (as
 * HomeKit's current state does); a jammed bolt is "not fully locked".
 */
export function matterLockStateOf(state: LockState): number | null {
  switch (state) {
    case 'LOCKED':
    case 'UNLOCKING':
      return MATTER_LOCK_STATE.locked;
    case 'UNLOCKED':
    case 'LOCKING':
    case 'OPEN':
    case 'OPENING':
      return MATTER_LOCK_STATE.unlocked;
    case 'JAMMED':
      return MATTER_LOCK_STATE.notFullyLocked;
    default:
      return null;
  }
}

/**
 * The door contact sensor's BooleanState.stateValue (Matter Contact Sensor device type: true = contact,
 * i.e. the door is closed), or undefined when the lock does not know.
 */
export function contactOf(door: DoorState): boolean | undefined {
  if (door === 'closed') return true;
  if (door === 'open') return false;
  return undefined;
}
