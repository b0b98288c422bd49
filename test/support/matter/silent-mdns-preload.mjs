// `node --import` preload for the Homebridge child of the Matter test: silences matter.js mDNS (see
// silent-mdns.cjs) in the ESM copy of @matter/general that Homebridge itself imports, before
// Homebridge starts. LOCKBRIDGE_TEST_MATTER_GENERAL is that package's folder.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.LOCKBRIDGE_TEST_MATTER_GENERAL;
if (!dir) throw new Error('LOCKBRIDGE_TEST_MATTER_GENERAL is not set');
const { silenceMdns } = createRequire(import.meta.url)('./silent-mdns.cjs');
silenceMdns(await import(pathToFileURL(join(dir, 'dist', 'esm', 'index.js')).href));
