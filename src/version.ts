import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  // src/version.ts runs from src/ (tsx) or dist/src/ (build): look upwards for package.json.
  for (const up of ['..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@lockbridge/homebridge-lockbridge' && pkg.version) return pkg.version;
    } catch {
      // try the next folder up
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
