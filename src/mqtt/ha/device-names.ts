/**
 * Device names that tell locks apart in Home Assistant. `auto` (the default): a lock's own name,
 * unless another lock has the same name (case and spacing aside); then the vendor is added, and the
 * account too where the vendor alone does not tell them apart. `vendor` and `account` always add it;
 * `plain` never does.
 */
import type { Lock } from '../../core/model';

export type DeviceNaming = 'auto' | 'plain' | 'vendor' | 'account';
export const DEVICE_NAMINGS: DeviceNaming[] = ['auto', 'plain', 'vendor', 'account'];

type Named = Pick<Lock, 'id' | 'name' | 'vendor' | 'account'>;

const key = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

export function deviceNames(locks: readonly Named[], naming: DeviceNaming): Map<string, string> {
  const byName = new Map<string, Named[]>();
  for (const lock of locks) {
    const group = byName.get(key(lock.name)) ?? [];
    group.push(lock);
    byName.set(key(lock.name), group);
  }
  const names = new Map<string, string>();
  for (const group of byName.values()) {
    const vendorsClash = new Set(group.map((l) => l.vendor)).size < group.length;
    for (const lock of group) {
      const shared = group.length > 1;
      let name = lock.name;
      if (naming === 'vendor' || (naming === 'auto' && shared && !vendorsClash))
        name = `${lock.name} (${lock.vendor})`;
      else if (naming === 'account' || (naming === 'auto' && shared))
        name = `${lock.name} (${lock.vendor}, ${lock.account})`;
      names.set(lock.id, name);
    }
  }
  return names;
}
