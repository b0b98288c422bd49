import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { openapi } from '@seamapi/types/connect';
import type { SeamExchange } from '../../../src/emulators/seam';

/**
 * Seam's own OpenAPI document, as shipped in the npm package @seamapi/types (lib/seam/connect/openapi.js,
 * MIT, written by Seam), compiled with ajv: the independent reading every request the driver sends and
 * every answer the emulator gives is checked against. Nothing here was written from Lockbridge's code.
 */

/** The exact @seamapi/types version pinned in package.json (the newest whose engines allow Node 20). */
export const SEAM_TYPES_VERSION = '1.721.0';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiOperation {
  path: string;
  method: string;
  /** x-undocumented on the operation: Seam ships it but does not document it publicly. */
  undocumented: boolean;
}

export interface SchemaCheck {
  ok: boolean;
  /** ajv's errors, as "instancePath message" lines. */
  errors: string[];
}

const DOCUMENT_ID = 'seam-connect-openapi';

/** JSON pointer escaping (RFC 6901) for a path such as /locks/list. */
function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The document with OpenAPI 3.0 keywords turned into their JSON Schema form for ajv:
 * - `discriminator` is dropped (the alternatives it sits beside still decide);
 * - `oneOf` is read as `anyOf`: Seam generates the document from zod unions, which accept a value that
 *   matches any member, and some members overlap (acs/credentials/list's `{acs_user_id}` and `{}`), so
 *   JSON Schema's exactly-one rule would refuse bodies Seam's own validation takes;
 * - `nullable: true` without a `type` (beside $ref/allOf) becomes "that, or null";
 * - `format: float` is a plain number, and the boolean `exclusiveMinimum/Maximum: true` beside
 *   `minimum/maximum` becomes the numeric bound.
 */
function forAjv(node: Json): Json {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator') continue;
    if (key === 'format' && value === 'float') continue;
    out[key === 'oneOf' ? 'anyOf' : key] = forAjv(value);
  }
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _nullable, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound];
      delete out[bound];
    } else delete out[exclusive];
  }
  return out;
}

export class SeamOpenApi {
  private readonly ajv: Ajv;
  private readonly doc: JsonObject;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = forAjv(JSON.parse(JSON.stringify(openapi)) as Json) as JsonObject;
    // strict off: the document carries x-* and OpenAPI keywords (example, deprecated) ajv would refuse.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...this.doc, $id: DOCUMENT_ID });
  }

  get version(): string {
    return SEAM_TYPES_VERSION;
  }

  /** The operation for a method and path, or undefined when the document does not have it. */
  operation(method: string, path: string): OpenApiOperation | undefined {
    const paths = this.doc.paths as Record<string, Record<string, JsonObject>>;
    const op = paths[path]?.[method.toLowerCase()];
    if (!op) return undefined;
    return { path, method: method.toUpperCase(), undocumented: op['x-undocumented'] !== undefined };
  }

  /** Every event_type the document's `event` schema lists. */
  eventTypes(): string[] {
    const event = (this.doc.components as Record<string, Record<string, JsonObject>>).schemas.event;
    const variants = (event.anyOf as JsonObject[]) ?? [];
    return variants.flatMap((v) => {
      const type = (v.properties as Record<string, JsonObject> | undefined)?.event_type;
      return (type?.enum as string[] | undefined) ?? [];
    });
  }

  /** The enum of a property of one event variant (e.g. lock.unlocked's method). */
  eventEnum(eventType: string, property: string): string[] {
    const event = (this.doc.components as Record<string, Record<string, JsonObject>>).schemas.event;
    for (const v of (event.anyOf as JsonObject[]) ?? []) {
      const props = v.properties as Record<string, JsonObject> | undefined;
      if ((props?.event_type?.enum as string[] | undefined)?.includes(eventType))
        return (props?.[property]?.enum as string[] | undefined) ?? [];
    }
    return [];
  }

  /** The schema at a JSON pointer inside the document, e.g. /components/schemas/device. */
  pointer(pointer: string): Json | undefined {
    let node: Json | undefined = this.doc;
    for (const raw of pointer.split('/').slice(1)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[key] : undefined;
    }
    return node;
  }

  /** A request body against the operation's requestBody schema. */
  checkRequest(method: string, path: string, body: unknown): SchemaCheck {
    const pointer = `/paths/${escapePointer(path)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
    return this.check(pointer, body ?? {});
  }

  /** A response body against the operation's schema for that status (200, or an error status). */
  checkResponse(method: string, path: string, status: number, body: unknown): SchemaCheck {
    const base = `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses`;
    const pointer = `${base}/${status}/content/application~1json/schema`;
    if (this.pointer(pointer) === undefined)
      return { ok: false, errors: [`the document has no ${status} answer for ${method} ${path}`] };
    return this.check(pointer, body);
  }

  /** A value against a components schema (e.g. event for a webhook payload). */
  checkComponent(name: string, value: unknown): SchemaCheck {
    return this.check(`/components/schemas/${escapePointer(name)}`, value);
  }

  private check(pointer: string, value: unknown): SchemaCheck {
    if (this.pointer(pointer) === undefined) return { ok: false, errors: [`no schema at ${pointer}`] };
    let validate = this.cache.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.cache.set(pointer, validate);
    }
    const ok = validate(value) === true;
    return { ok, errors: ok ? [] : describe(validate.errors ?? []) };
  }
}

function describe(errors: ErrorObject[]): string[] {
  // oneOf failures list every variant's complaint; keep the first few, they name the field.
  return errors.slice(0, 12).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`);
}

let shared: SeamOpenApi | undefined;

/** One compiled document per test process (compiling is the slow part). */
export function seamOpenApi(): SeamOpenApi {
  shared ??= new SeamOpenApi();
  return shared;
}

/**
 * Every exchange that does not conform, as "METHOD /path (status): problem" lines; empty when all do.
 * Requests are checked all, or only those answered 200 (a test that sends bad requests on purpose).
 */
export function nonConforming(
  exchanges: readonly SeamExchange[],
  opts: { requests: 'all' | 'answered' },
): string[] {
  const api = seamOpenApi();
  const out: string[] = [];
  for (const x of exchanges) {
    const where = `${x.method} ${x.path} (${x.status})`;
    if (!api.operation(x.method, x.path)) {
      out.push(`${where}: not an operation of Seam's document`);
      continue;
    }
    // GET carries its parameters in the query, which the document describes per parameter, not as a body.
    if (x.method !== 'GET' && (opts.requests === 'all' || x.status === 200)) {
      const req = api.checkRequest(x.method, x.path, x.params);
      if (!req.ok) out.push(`${where} request: ${req.errors.join('; ')}`);
    }
    if (x.status === 200) {
      const res = api.checkResponse(x.method, x.path, 200, x.body);
      if (!res.ok) out.push(`${where} answer: ${res.errors.join('; ')}`);
    } else {
      // The document declares 400/401 without a body schema; Seam's error body is {error: {type, message}}.
      const err = (x.body as { error?: { type?: unknown; message?: unknown } }).error;
      if (typeof err?.type !== 'string' || typeof err.message !== 'string')
        out.push(`${where} error answer without error.type/message`);
    }
  }
  return out;
}
