import { accountSchemas, configSchema, mqttSchema, remoteUnlockCodeSchema } from '../../../src/config/schema';
import { matterSettingsSchema } from '../../../accessories/matter/matter-settings';

/**
 * Builds config.schema.json (the Homebridge settings form) from the project's one config schema, so
 * the form cannot drift from what the platform validates. Write it with:
 *   npx tsx test/support/homebridge/write-config-schema.ts
 */

/** Fields shown as password inputs: every account secret and the MQTT password. */
export const SECRET_FIELD =
  /^(password|apiKey|clientSecret|jwt|unlockCode|token|accessToken|secret|bearer)$/i;

const TITLES: Record<string, string> = {
  id: 'Account id',
  name: 'Display name',
  vendor: 'Vendor',
  baseUrl: 'Base URL (emulator or proxy)',
  pollIntervalSeconds: 'Poll interval (seconds)',
  budget: 'Request budget',
  capacity: 'Burst capacity',
  refillPerSecond: 'Requests per second',
  unlockCode: 'Unlock code required over MQTT',
  brand: 'Brand',
  identifier: 'Login (email:... or phone:+...)',
  password: 'Password',
  apiKey: 'API key',
  installId: 'Install id',
  liveUpdates: 'Live updates (PubNub or Socket.IO; polling when off or down)',
  liveUpdatesUrl: 'Live updates URL (emulator or proxy)',
  accessToken: 'Access token (Yale Home and Yale Global: obtained elsewhere; they have no password login)',
  resyncMinutes: 'Re-read locks while live updates are up (minutes)',
  eventPollSeconds: 'Event poll interval (seconds)',
  webhook: 'Webhook',
  url: 'URL',
  listenHost: 'Listen host',
  listenPort: 'Listen port',
  clientId: 'Client id',
  clientSecret: 'Client secret',
  lockHolderIds: 'Lock holder ids (admin)',
  duplicateLockHolderIds: 'Lock holder ids (duplicate only)',
  keyEvents: 'Key events',
  webhookUrl: 'Webhook URL',
  path: 'Path',
  jwt: 'User JWT',
  userId: 'User id',
  vendors: 'Emulated vendors',
};

const VENDOR_TITLES: Record<string, string> = {
  august: 'August / Yale',
  seam: 'Seam (Nuki, Salto KS, Schlage ...)',
  unloc: 'Unloc',
  smartphonekey: 'SmartphoneKey',
  sandbox: 'Sandbox (emulated locks, no account needed)',
};

const BRAND_TITLES: Record<string, string> = {
  august: 'August',
  yale_access: 'Yale Access',
  yale_home: 'Yale Home',
  yale_global: 'Yale Global',
};

type Json = Record<string, unknown>;

function titleOf(key: string): string {
  return TITLES[key] ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

/** A JSON-schema property as Angular JSON Schema Form wants it: titles, enums as titled oneOf. */
function formProperty(key: string, schema: Json): Json {
  const out: Json = { title: titleOf(key) };
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'const' || k === 'additionalProperties') continue;
    if (k === 'required' && Array.isArray(v)) continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, Json>).map(([pk, pv]) => [pk, formProperty(pk, pv)]),
      );
      continue;
    }
    if (k === 'enum' && key === 'brand') {
      out.type = 'string';
      out.oneOf = (v as string[]).map((e) => ({ title: BRAND_TITLES[e] ?? e, enum: [e] }));
      continue;
    }
    if (k === 'items') {
      out.items = formProperty(key, v as Json);
      delete (out.items as Json).title;
      continue;
    }
    out[k] = v;
  }
  if (!out.type && out.enum) out.type = 'string';
  if (!out.type && out.properties) out.type = 'object';
  return out;
}

function vendorCondition(vendors: string[]): Json {
  return {
    functionBody: `return ${JSON.stringify(vendors)}.includes(model.accounts && model.accounts[arrayIndices] && model.accounts[arrayIndices].vendor);`,
  };
}

export function buildConfigSchema(): Json {
  const vendors = Object.keys(accountSchemas);
  const fieldVendors = new Map<string, { schema: Json; vendors: string[] }>();
  for (const [vendor, schema] of Object.entries(accountSchemas)) {
    for (const [key, prop] of Object.entries(schema.properties as Record<string, Json>)) {
      if (key === 'vendor') continue;
      const entry = fieldVendors.get(key) ?? { schema: prop, vendors: [] };
      entry.vendors.push(vendor);
      fieldVendors.set(key, entry);
    }
  }
  const accountProperties: Json = {
    vendor: {
      title: 'Vendor',
      type: 'string',
      required: true,
      default: 'sandbox',
      oneOf: vendors.map((v) => ({ title: VENDOR_TITLES[v] ?? v, enum: [v] })),
    },
  };
  for (const [key, { schema, vendors: used }] of fieldVendors) {
    const prop = formProperty(key, schema);
    if (key === 'id') prop.required = true;
    if (used.length < vendors.length) prop.condition = vendorCondition(used);
    accountProperties[key] = prop;
  }

  const remoteFields = [
    'url',
    'username',
    'password',
    'baseTopic',
    'clientId',
    'ca',
    'cert',
    'key',
    'rejectUnauthorized',
    'unlockCode',
  ];
  const remoteProperties: Record<string, Json> = {
    ...(mqttSchema.properties as Record<string, Json>),
    unlockCode: remoteUnlockCodeSchema,
  };
  const mqttProperties = Object.fromEntries(
    remoteFields.map((f) => [f, formProperty(f, remoteProperties[f])]),
  );
  (mqttProperties.url as Json).title = 'Broker URL of the lockbridge daemon';
  (mqttProperties.unlockCode as Json).title = "Unlock code of the daemon's locks";
  (mqttProperties.url as Json).placeholder = 'mqtt://127.0.0.1:1883';

  const top = configSchema.properties as unknown as Record<string, Json>;
  const schema = {
    type: 'object',
    properties: {
      name: { title: 'Name', type: 'string', default: 'Lockbridge', required: true },
      source: {
        title: 'Where the locks come from',
        type: 'string',
        default: 'accounts',
        oneOf: [
          { title: 'Vendor accounts, from this Homebridge', enum: ['accounts'] },
          { title: 'A running lockbridge daemon, over MQTT', enum: ['mqtt'] },
        ],
      },
      accounts: {
        title: 'Accounts',
        type: 'array',
        condition: { functionBody: "return model.source !== 'mqtt';" },
        items: { type: 'object', properties: accountProperties },
      },
      mqtt: {
        title: 'Lockbridge daemon (MQTT)',
        type: 'object',
        condition: { functionBody: "return model.source === 'mqtt';" },
        properties: mqttProperties,
      },
      polling: formProperty('polling', top.polling),
      commands: formProperty('commands', top.commands),
      codes: formProperty('codes', top.codes),
      logLevel: { ...formProperty('logLevel', top.logLevel), type: 'string' },
      matter: {
        ...formProperty('matter', matterSettingsSchema as unknown as Json),
        title: 'Matter (Homebridge 2 with Matter on)',
        properties: {
          enabled: {
            title: 'Also publish each lock as a Matter door lock (Google Home, Alexa, SmartThings)',
            type: 'boolean',
            default: true,
          },
          hap: {
            title: 'Keep the HomeKit (HAP) accessories too',
            type: 'boolean',
            default: true,
          },
        },
      },
    },
  };
  (schema.properties.polling as Json).title = 'Polling';
  (schema.properties.commands as Json).title = 'Commands';
  (schema.properties.codes as Json).title = 'Access codes';
  (schema.properties.logLevel as Json).title = 'Log level';

  // Nested objects (webhook.auth ...) are fieldsets too, and a secret at any depth is a password.
  const item = (path: string, key: string, prop: Json): unknown => {
    if (SECRET_FIELD.test(key)) return { key: path, type: 'password' };
    if (prop.type === 'object' && prop.properties) {
      const props = prop.properties as Record<string, Json>;
      return {
        key: path,
        type: 'fieldset',
        expandable: true,
        items: Object.keys(props).map((k) => item(`${path}.${k}`, k, props[k])),
      };
    }
    return path;
  };
  const accountItems = [...Object.keys(accountProperties)].map((key) =>
    item(`accounts[].${key}`, key, accountProperties[key] as Json),
  );
  const layout = [
    'name',
    'source',
    {
      key: 'accounts',
      type: 'array',
      title: 'Accounts',
      buttonText: 'Add account',
      orderable: false,
      items: accountItems,
    },
    {
      key: 'mqtt',
      type: 'fieldset',
      title: 'Lockbridge daemon (MQTT)',
      items: remoteFields.map((f) =>
        SECRET_FIELD.test(f) ? { key: `mqtt.${f}`, type: 'password' } : `mqtt.${f}`,
      ),
    },
    {
      type: 'fieldset',
      title: 'Advanced',
      expandable: true,
      items: [
        'polling.intervalSeconds',
        'polling.maxIntervalSeconds',
        'commands.timeoutSeconds',
        'commands.expirySeconds',
        'codes.confirmTimeoutSeconds',
        'codes.homeKitAnswerSeconds',
        'codes.homeKitPollSeconds',
        'logLevel',
      ],
    },
    {
      key: 'matter',
      type: 'fieldset',
      title: 'Matter (Homebridge 2)',
      expandable: true,
      items: ['matter.enabled', 'matter.hap'],
    },
  ];

  return {
    pluginAlias: 'Lockbridge',
    pluginType: 'platform',
    singular: true,
    customUi: true,
    headerDisplay:
      'Cloud smart locks in Apple Home. Add an account per vendor, or a **Sandbox** account to try Lockbridge with emulated locks. Tokens are kept in the Homebridge storage folder, never in config.json; two-factor codes (August) are entered above.',
    footerDisplay: 'Help: https://github.com/lockbridge/homebridge-lockbridge#readme',
    schema,
    layout,
  };
}
