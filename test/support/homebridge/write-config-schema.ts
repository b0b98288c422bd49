import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfigSchema } from './config-schema';
import { repoRoot } from './lines';

// Regenerates config.schema.json after a change to src/config/schema.ts.
const target = join(repoRoot, 'config.schema.json');
writeFileSync(target, `${JSON.stringify(buildConfigSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
