import Ajv, { type ErrorObject } from 'ajv';
import { LockbridgeError, type ErrorReason } from '../core/errors';
import { configSchema, accountSchemas } from './schema';
import { mqttConfigProblems } from './mqtt-rules';
import { clusterConfigProblems } from '../cluster/config';
import type { AccountConfig, LockbridgeConfig } from './types';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateConfigFn = ajv.compile(configSchema);
const accountValidators = Object.fromEntries(
  Object.entries(accountSchemas).map(([vendor, schema]) => [vendor, ajv.compile(schema)]),
);

/** "accounts[0].password", from ajv's "/accounts/0/password". */
function fieldPath(err: ErrorObject): string {
  let path = err.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  if (err.keyword === 'required')
    path = path ? `${path}.${err.params.missingProperty}` : String(err.params.missingProperty);
  if (err.keyword === 'additionalProperties') {
    path = path ? `${path}.${err.params.additionalProperty}` : String(err.params.additionalProperty);
  }
  return path || '(root)';
}

function describe(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known setting';
    case 'enum':
      return `must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(err.params.allowedValue)}`;
    case 'anyOf':
      return 'needs one of the alternatives (SmartphoneKey: apiKey or jwt; Unloc: projectIds for API v2, lockHolderIds for v1)';
    case 'oneOf':
      return 'needs exactly one of passwordHash or passwordFile';
    default:
      return err.message ?? 'is invalid';
  }
}

function toReasons(errors: ErrorObject[] | null | undefined): ErrorReason[] {
  const seen = new Set<string>();
  const reasons: ErrorReason[] = [];
  for (const err of errors ?? []) {
    if (err.keyword === 'if') continue; // ajv reports the failing branch itself too
    const field = fieldPath(err);
    const message = `${field} ${describe(err)}`;
    if (seen.has(message)) continue;
    seen.add(message);
    // Values are never echoed: a misplaced password must not end up in the error.
    reasons.push({ code: 'invalid_config', message, detail: { field } });
  }
  return reasons;
}

/** Validates a whole configuration; the error names every bad field. */
export function validateConfig(value: unknown): LockbridgeConfig {
  if (!validateConfigFn(value)) {
    const reasons = toReasons(validateConfigFn.errors);
    throw new LockbridgeError(
      'invalid_config',
      `Invalid configuration: ${reasons.map((r) => r.message).join('; ')}`,
      {
        reasons,
      },
    );
  }
  const config = value as LockbridgeConfig;
  const ids = new Set<string>();
  for (const [i, account] of config.accounts.entries()) {
    if (ids.has(account.id)) {
      throw new LockbridgeError(
        'invalid_config',
        `Invalid configuration: accounts[${i}].id "${account.id}" is used twice`,
      );
    }
    ids.add(account.id);
  }
  const problems = [...mqttConfigProblems(config.mqtt), ...clusterConfigProblems(config)];
  if (problems.length > 0)
    throw new LockbridgeError('invalid_config', `Invalid configuration: ${problems.join('; ')}`, {
      reasons: problems.map((message) => ({ code: 'invalid_config', message })),
    });
  return config;
}

/** Validates one account (the Node-RED config node and the Homebridge platform use it). */
export function validateAccount(value: unknown): AccountConfig {
  const vendor = (value as { vendor?: unknown } | null)?.vendor;
  const fn = typeof vendor === 'string' ? accountValidators[vendor] : undefined;
  if (!fn) {
    throw new LockbridgeError(
      'invalid_config',
      'Invalid account: vendor must be one of august, seam, unloc, smartphonekey, sandbox',
    );
  }
  if (!fn(value)) {
    const reasons = toReasons(fn.errors);
    throw new LockbridgeError(
      'invalid_config',
      `Invalid account: ${reasons.map((r) => r.message).join('; ')}`,
      { reasons },
    );
  }
  return value as AccountConfig;
}
