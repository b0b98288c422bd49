/**
 * One JSON Schema for the whole configuration. The CLI validates its config file against it, the
 * Homebridge config.schema.json is checked against it, and the Node-RED config node uses the account
 * part.
 */
const id = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'Short unique id of the account',
};
const baseUrl = { type: 'string', pattern: '^https?://', description: 'Override of the vendor base URL' };
const common = {
  id,
  name: { type: 'string', maxLength: 100 },
  baseUrl,
  pollIntervalSeconds: { type: 'number', minimum: 5, maximum: 86400 },
  budget: {
    type: 'object',
    additionalProperties: false,
    required: ['capacity', 'refillPerSecond'],
    properties: {
      capacity: { type: 'number', minimum: 1 },
      refillPerSecond: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  unlockCode: { type: 'string', minLength: 4, maxLength: 64 },
} as const;

export const accountSchemas = {
  august: {
    type: 'object',
    additionalProperties: false,
    required: ['vendor', 'id', 'brand'],
    // A password login, or an access token obtained elsewhere (the only way for Yale Home/Global).
    anyOf: [{ required: ['identifier', 'password'] }, { required: ['accessToken'] }],
    properties: {
      ...common,
      vendor: { const: 'august' },
      brand: { enum: ['august', 'yale_access', 'yale_home', 'yale_global'] },
      identifier: {
        type: 'string',
        minLength: 3,
        description: 'email:you@example.com or phone:+15551234567',
      },
      password: { type: 'string', minLength: 1 },
      accessToken: { type: 'string', minLength: 8 },
      apiKey: { type: 'string', minLength: 1 },
      installId: { type: 'string', minLength: 1 },
      liveUpdates: { type: 'boolean' },
      liveUpdatesUrl: { type: 'string', pattern: '^(https?|wss?)://' },
      resyncMinutes: { type: 'number', minimum: 1 },
    },
  },
  seam: {
    type: 'object',
    additionalProperties: false,
    required: ['vendor', 'id', 'apiKey'],
    properties: {
      ...common,
      vendor: { const: 'seam' },
      apiKey: { type: 'string', minLength: 1 },
      eventPollSeconds: { type: 'number', minimum: 1 },
      webhook: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', pattern: '^https?://' },
          listenHost: { type: 'string' },
          listenPort: { type: 'integer', minimum: 0, maximum: 65535 },
        },
      },
    },
  },
  unloc: {
    type: 'object',
    additionalProperties: false,
    required: ['vendor', 'id', 'clientId', 'clientSecret'],
    // v2 needs projectIds, v1 lockHolderIds; without apiVersion, projectIds means v2.
    anyOf: [
      { properties: { apiVersion: { const: 'v2' } }, required: ['projectIds'] },
      { properties: { apiVersion: { const: 'v1' } }, required: ['apiVersion', 'lockHolderIds'] },
      { not: { required: ['apiVersion'] }, required: ['lockHolderIds'] },
    ],
    properties: {
      ...common,
      vendor: { const: 'unloc' },
      clientId: { type: 'string', minLength: 1 },
      clientSecret: { type: 'string', minLength: 1 },
      apiVersion: { enum: ['v2', 'v1'] },
      projectIds: { type: 'array', items: { type: 'string', minLength: 1 } },
      lockHolderIds: { type: 'array', items: { type: 'string', minLength: 1 } },
      duplicateLockHolderIds: { type: 'array', items: { type: 'string', minLength: 1 } },
      keyEvents: {
        type: 'object',
        additionalProperties: false,
        properties: {
          webhookUrl: { type: 'string', pattern: '^https?://' },
          listenHost: { type: 'string', minLength: 1 },
          listenPort: { type: 'integer', minimum: 0, maximum: 65535 },
          path: { type: 'string', pattern: '^/' },
          secret: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' },
        },
      },
    },
  },
  smartphonekey: {
    type: 'object',
    additionalProperties: false,
    required: ['vendor', 'id', 'userId'],
    anyOf: [{ required: ['apiKey'] }, { required: ['jwt'] }],
    properties: {
      ...common,
      vendor: { const: 'smartphonekey' },
      apiKey: { type: 'string', minLength: 1 },
      jwt: { type: 'string', minLength: 1 },
      userId: { type: 'string', minLength: 1 },
      webhook: {
        type: 'object',
        additionalProperties: false,
        properties: {
          listenHost: { type: 'string', minLength: 1 },
          listenPort: { type: 'integer', minimum: 0, maximum: 65535 },
          path: { type: 'string', pattern: '^/' },
          bearer: { type: 'string', minLength: 8 },
          auth: {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'secret'],
            properties: {
              type: { enum: ['hmac_sha256', 'bearer_token', 'header', 'bearerToken', 'apiKeyHeader'] },
              secret: { type: 'string', minLength: 8 },
              header: { type: 'string', pattern: '^[A-Za-z0-9-]+$' },
            },
          },
        },
      },
    },
  },
  sandbox: {
    type: 'object',
    additionalProperties: false,
    required: ['vendor', 'id'],
    properties: {
      ...common,
      vendor: { const: 'sandbox' },
      vendors: {
        type: 'array',
        items: { enum: ['august', 'seam', 'unloc', 'smartphonekey'] },
        uniqueItems: true,
      },
    },
  },
} as const;

export const mqttSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: 'string', pattern: '^(mqtts?|wss?|tcp|tls)://' },
    username: { type: 'string' },
    password: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    rejectUnauthorized: { type: 'boolean' },
    clientId: { type: 'string', minLength: 1, maxLength: 64 },
    baseTopic: { type: 'string', pattern: '^[^#+\\s]+$', minLength: 1 },
    embedded: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        username: { type: 'string', minLength: 1 },
        password: { type: 'string', minLength: 1 },
        users: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['username', 'rights'],
            oneOf: [{ required: ['passwordHash'] }, { required: ['passwordFile'] }],
            properties: {
              username: { type: 'string', minLength: 1, maxLength: 128 },
              passwordHash: {
                type: 'string',
                pattern: '^\\$scrypt\\$',
                description: 'Printed by `lockbridge hash-password`',
              },
              passwordFile: { type: 'string', minLength: 1 },
              rights: { enum: ['command', 'read'] },
            },
          },
        },
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['cert', 'key'],
          properties: {
            cert: { type: 'string' },
            key: { type: 'string' },
            port: { type: 'integer', minimum: 0, maximum: 65535 },
          },
        },
      },
    },
    homeAssistant: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        prefix: { type: 'string', pattern: '^[^#+\\s]+$' },
        discovery: { enum: ['device', 'entity'] },
        retain: { type: 'boolean' },
        deviceNames: { enum: ['auto', 'plain', 'vendor', 'account'] },
      },
    },
    publishCodes: { type: 'boolean' },
    maxCommandAgeSeconds: { type: 'number', minimum: 1 },
    healthIntervalSeconds: { type: 'number', minimum: 5, maximum: 86400 },
    allowedUsers: { type: 'array', items: { type: 'string', minLength: 1 } },
    responseTopicPrefix: { type: 'string', pattern: '^[^#+\\s]+$', minLength: 1 },
    unlockCodes: { type: 'object', additionalProperties: { type: 'string', minLength: 4 } },
  },
} as const;

/**
 * `mqtt.unlockCode` of a surface that uses a running daemon (Homebridge's `source: "mqtt"`): sent with
 * UNLOCK and OPEN when the daemon guards its locks with an unlock code (HomeKit has no code entry).
 */
export const remoteUnlockCodeSchema = {
  type: 'string',
  minLength: 4,
  maxLength: 64,
  description: "Sent with UNLOCK and OPEN when the daemon's locks need an unlock code",
} as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Lockbridge configuration',
  type: 'object',
  additionalProperties: false,
  required: ['accounts'],
  properties: {
    accounts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['vendor'],
        properties: { vendor: { enum: ['august', 'seam', 'unloc', 'smartphonekey', 'sandbox'] } },
        // One branch per vendor, chosen by `vendor`, so messages name the right fields.
        allOf: Object.entries(accountSchemas).map(([vendor, schema]) => ({
          if: { properties: { vendor: { const: vendor } }, required: ['vendor'] },
          then: schema,
        })),
      },
    },
    mqtt: mqttSchema,
    cluster: {
      type: 'object',
      additionalProperties: false,
      required: ['redis', 'node'],
      description: 'Cluster mode: daemons with the same accounts share them through leases in Redis',
      properties: {
        redis: { type: 'string', pattern: '^rediss?://' },
        node: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
        leaseSeconds: { type: 'number', minimum: 1, maximum: 300 },
        keyPrefix: { type: 'string', pattern: '^[A-Za-z0-9_:.-]{1,64}$' },
      },
    },
    polling: {
      type: 'object',
      additionalProperties: false,
      properties: {
        intervalSeconds: { type: 'number', minimum: 1 },
        maxIntervalSeconds: { type: 'number', minimum: 1 },
      },
    },
    commands: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeoutSeconds: { type: 'number', minimum: 1, maximum: 300 },
        expirySeconds: { type: 'number', minimum: 1 },
        sendMarginMs: {
          type: 'integer',
          minimum: 0,
          maximum: 10_000,
          description:
            'A command request is not sent with less than this left before its deadline: the time it takes to reach the vendor (default 250)',
        },
      },
    },
    codes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        confirmTimeoutSeconds: { type: 'number', minimum: 1 },
        homeKitAnswerSeconds: {
          type: 'number',
          minimum: 0.5,
          maximum: 8,
          description:
            'Homebridge: how long a code change from the Home app waits for the lock to confirm before it is answered (default 2.5; HomeKit gives up at 9)',
        },
        homeKitPollSeconds: {
          type: 'number',
          minimum: 0,
          description:
            "Homebridge: how often each lock's codes are re-read so the Home app learns of changes made elsewhere (default 300; 0 = never)",
        },
      },
    },
    logLevel: { enum: ['debug', 'info', 'warn', 'error'] },
  },
} as const;
