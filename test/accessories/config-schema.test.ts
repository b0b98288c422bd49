import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountSchemas } from '../../src/config/schema';
import { validateConfig } from '../../src/config/validate';
import { parsePlatformConfig } from '../../accessories/platform-config';
import { PLATFORM_NAME } from '../../accessories/settings';
import { SECRET_FIELD, buildConfigSchema } from '../support/homebridge/config-schema';
import { repoRoot } from '../support/homebridge/lines';

type Json = Record<string, unknown>;
const file = JSON.parse(readFileSync(join(repoRoot, 'config.schema.json'), 'utf8')) as Json;
const schema = file.schema as { properties: Record<string, Json> };
const accountProps = ((schema.properties.accounts as Json).items as { properties: Record<string, Json> })
  .properties;

/** Every key of the layout, flattened, with its form type ("password" ...). */
function layoutKeys(
  items: unknown[],
  out = new Map<string, string | undefined>(),
): Map<string, string | undefined> {
  for (const item of items) {
    if (typeof item === 'string') out.set(item, undefined);
    else if (item && typeof item === 'object') {
      const i = item as { key?: string; type?: string; items?: unknown[] };
      if (i.key) out.set(i.key, i.type);
      if (Array.isArray(i.items)) layoutKeys(i.items, out);
    }
  }
  return out;
}

describe('config.schema.json (Homebridge settings form)', () => {
  it('is what the generator builds from src/config/schema.ts (regenerate: npx tsx test/support/homebridge/write-config-schema.ts)', () => {
    assert.deepEqual(file, JSON.parse(JSON.stringify(buildConfigSchema())));
  });

  it('names the platform alias Lockbridge, a singular dynamic platform with a custom UI', () => {
    assert.equal(file.pluginAlias, PLATFORM_NAME);
    assert.equal(file.pluginType, 'platform');
    assert.equal(file.singular, true);
    assert.equal(file.customUi, true);
  });

  it('has every field of every vendor account, shown only for the vendors that have it', () => {
    const vendors = (accountProps.vendor.oneOf as Array<{ enum: string[] }>).flatMap((o) => o.enum);
    assert.deepEqual(vendors.sort(), Object.keys(accountSchemas).sort());
    for (const [vendor, vendorSchema] of Object.entries(accountSchemas)) {
      for (const field of Object.keys(vendorSchema.properties)) {
        if (field === 'vendor') continue;
        const prop = accountProps[field];
        assert.ok(prop, `${vendor}.${field} is in the form`);
        const condition = (prop.condition as { functionBody?: string } | undefined)?.functionBody;
        if (condition)
          assert.ok(condition.includes(`"${vendor}"`), `${vendor}.${field} is shown for ${vendor}`);
      }
    }
    for (const field of Object.keys(accountProps)) {
      if (field === 'vendor') continue;
      assert.ok(
        Object.values(accountSchemas).some((s) => field in s.properties),
        `${field} is a real account setting`,
      );
    }
  });

  it('shows every secret as a password field', () => {
    const keys = layoutKeys(file.layout as unknown[]);
    const secrets = new Set<string>();
    for (const s of Object.values(accountSchemas))
      for (const f of Object.keys(s.properties)) if (SECRET_FIELD.test(f)) secrets.add(f);
    // The account secrets the hub registers with its redactor (src/hub/account.ts) are all here.
    for (const f of ['password', 'apiKey', 'clientSecret', 'jwt', 'unlockCode']) assert.ok(secrets.has(f), f);
    for (const f of secrets) assert.equal(keys.get(`accounts[].${f}`), 'password', `accounts[].${f}`);
    assert.equal(keys.get('mqtt.password'), 'password');
    for (const key of keys.keys()) {
      const leaf = key.split('.').pop() ?? '';
      if (SECRET_FIELD.test(leaf)) assert.equal(keys.get(key), 'password', key);
    }
  });

  it('lays out only fields that exist in the schema', () => {
    for (const key of layoutKeys(file.layout as unknown[]).keys()) {
      const path = key.replace(/\[\]/g, '').split('.');
      let node: Json | undefined = { properties: schema.properties };
      for (const part of path) {
        const props: Record<string, Json> | undefined = (node?.properties ??
          (node?.items as Json | undefined)?.properties) as Record<string, Json> | undefined;
        node = props?.[part];
      }
      assert.ok(node, `${key} exists in the schema`);
    }
  });

  it('produces blocks the platform accepts: defaults and a filled-in account of each vendor', () => {
    const examples: Record<string, Json> = {
      august: {
        vendor: 'august',
        id: 'a',
        brand: 'yale_home',
        identifier: 'email:me@example.com',
        password: 'pw-123456',
      },
      seam: { vendor: 'seam', id: 's', apiKey: 'seam_key_123' },
      unloc: { vendor: 'unloc', id: 'u', clientId: 'c', clientSecret: 'secret-1', lockHolderIds: ['lh1'] },
      smartphonekey: { vendor: 'smartphonekey', id: 'k', apiKey: 'k-123456', userId: 'u1' },
      sandbox: { vendor: 'sandbox', id: 'demo' },
    };
    for (const vendor of Object.keys(accountSchemas)) assert.ok(examples[vendor], `example for ${vendor}`);
    // What the form saves: the UI keeps untouched fields as "" or {}, which the platform drops.
    const block = {
      platform: 'Lockbridge',
      name: 'Lockbridge',
      source: 'accounts',
      accounts: Object.values(examples).map((a) => ({ ...a, baseUrl: '', budget: {} })),
      polling: {},
    };
    const settings = parsePlatformConfig(block);
    assert.equal(settings.kind, 'accounts', settings.kind === 'invalid' ? settings.error.message : '');
    if (settings.kind === 'accounts') assert.doesNotThrow(() => validateConfig(settings.config));
  });
});
