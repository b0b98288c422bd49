import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, homebridgeDir, usesLine2 } from '../runtime-line';

/** The two supported runtime lines: Node 20 + Homebridge 1.11, Node 22 + Homebridge 2.x. */
export interface HomebridgeLine {
  name: string;
  /** The CLI script to run with `node`. */
  bin: string;
  /** Advertiser.js of the hap-nodejs that this Homebridge loads (for the no-op preload). */
  advertiser: string;
  /** hap-nodejs for in-process unit tests on this line. */
  hapModule: string;
}

const root = REPO_ROOT;

export function currentLine(): HomebridgeLine {
  if (usesLine2()) {
    const hb = homebridgeDir();
    const hap = firstExisting([
      join(hb, 'node_modules', '@homebridge', 'hap-nodejs'),
      join(hb, '..', '@homebridge', 'hap-nodejs'),
    ]);
    return {
      name: 'homebridge 2.x on Node 22',
      bin: join(hb, 'bin', 'homebridge.js'),
      advertiser: join(hap, 'dist', 'lib', 'Advertiser.js'),
      hapModule: hap,
    };
  }
  const hb = homebridgeDir();
  const hap = firstExisting([
    join(hb, 'node_modules', 'hap-nodejs'),
    join(root, 'node_modules', 'hap-nodejs'),
  ]);
  return {
    name: 'homebridge 1.x on Node 20',
    bin: join(hb, 'bin', 'homebridge'),
    advertiser: join(hap, 'dist', 'lib', 'Advertiser.js'),
    hapModule: join(root, 'node_modules', 'hap-nodejs'),
  };
}

export const repoRoot = root;

/** Packages are looked up by folder: homebridge 2.x's package.json `exports` hides its package.json. */
function firstExisting(paths: string[]): string {
  const found = paths.find((p) => existsSync(join(p, 'package.json')));
  if (!found) throw new Error(`None of ${paths.join(', ')} is installed`);
  return found;
}
