import { dirname, join } from 'node:path';

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

const root = join(__dirname, '..', '..', '..');

export function currentLine(): HomebridgeLine {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) {
    const hb = dirname(require.resolve('homebridge2/package.json', { paths: [root] }));
    const hap = dirname(require.resolve('@homebridge/hap-nodejs/package.json', { paths: [hb, root] }));
    return {
      name: 'homebridge 2.x on Node 22',
      bin: join(hb, 'bin', 'homebridge.js'),
      advertiser: join(hap, 'dist', 'lib', 'Advertiser.js'),
      hapModule: hap,
    };
  }
  const hb = dirname(require.resolve('homebridge/package.json', { paths: [root] }));
  const hap = dirname(require.resolve('hap-nodejs/package.json', { paths: [hb] }));
  return {
    name: 'homebridge 1.x on Node 20',
    bin: join(hb, 'bin', 'homebridge'),
    advertiser: join(hap, 'dist', 'lib', 'Advertiser.js'),
    hapModule: dirname(require.resolve('hap-nodejs/package.json', { paths: [root] })),
  };
}

export const repoRoot = root;
