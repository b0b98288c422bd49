import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

/**
 * SmartphoneKey's published schemas (test/fixtures/smartphonekey, see its README for the source commit)
 * as validators: request bodies and answers of the B2C API paths, the EventBridge Shadow Update, and the
 * Matter bridge lock shadow. A shape that disagrees with the vendor's documents fails a test here.
 */
const dir = join(__dirname, '..', '..', 'fixtures', 'smartphonekey');
const load = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;

interface Operation {
  requestBody?: { content: { 'application/json': { schema: object } } };
  responses: Record<string, { content?: { 'application/json': { schema: object } } }>;
}

export const openapi = load('openapi-paths.json') as { paths: Record<string, Record<string, Operation>> };
export const eventbridge = load('eventbridge-schemas.json') as {
  components: { schemas: Record<string, Record<string, unknown>> };
};
export const matter = load('matter-lock-shadow-schema.json') as {
  $defs: Record<string, object>;
  'x-matter-spec': Record<string, { enum?: Record<string, string> }>;
};
export const webhookExamples = load('webhook-examples.json') as Record<string, Record<string, unknown>>;

// OpenAPI 3.1 schemas are JSON Schema 2020-12; `nullable`, `discriminator` and x- keys are annotations.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });

function compile(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** Our route pattern (`/locks/101/OpenLock`) as the document's path key (`/locks/{id}/OpenLock`). */
export function documentPath(path: string): string | undefined {
  const bare = path.split('?')[0] ?? '';
  return Object.keys(openapi.paths).find((p) =>
    new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
  );
}

function operation(method: string, path: string): Operation {
  const key = documentPath(path);
  const op = key ? openapi.paths[key]?.[method.toLowerCase()] : undefined;
  if (!op) throw new Error(`${method} ${path} is not in SmartphoneKey's OpenAPI document`);
  return op;
}

function explain(v: ValidateFunction): string {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

/** Throws unless body is what the document allows as the request body of method path. */
export function checkRequest(method: string, path: string, body: unknown): void {
  const schema = operation(method, path).requestBody?.content['application/json'].schema;
  if (!schema) {
    if (body !== undefined && body !== null) throw new Error(`${method} ${path} takes no body`);
    return;
  }
  const v = compile(schema);
  if (!v(body)) throw new Error(`${method} ${path} request: ${explain(v)}`);
}

/** Throws unless body is the documented answer for that status (statuses with no schema pass). */
export function checkResponse(method: string, path: string, status: number, body: unknown): void {
  const response = operation(method, path).responses[String(status)];
  if (!response) throw new Error(`${method} ${path} has no documented ${status}`);
  const schema = response.content?.['application/json'].schema;
  if (!schema) return;
  const v = compile(schema);
  if (!v(body)) throw new Error(`${method} ${path} ${status}: ${explain(v)}`);
}

const envelope = compile({
  ...eventbridge.components.schemas.WebhookEvent,
  components: eventbridge.components,
});
const shadowDetail = compile(eventbridge.components.schemas.ShadowUpdate);
const lockShadow = compile(matter.$defs.LockStateReported);

/** A Shadow Update delivery: the envelope, the detail, and the stringified reported lock shadow. */
export function checkShadowDelivery(delivery: unknown): void {
  if (!envelope(delivery)) throw new Error(`envelope: ${explain(envelope)}`);
  const detail = (delivery as { detail: Record<string, unknown> }).detail;
  // eventbridge-schemas.yaml types desiredState as an object "serialized as string in raw event";
  // events-webhooks.mdx says all four are strings. So the raw string is parsed before that check.
  const desired = detail.desiredState;
  const asDocumented = {
    ...detail,
    desiredState: typeof desired === 'string' ? (JSON.parse(desired) as unknown) : desired,
  };
  if (!shadowDetail(asDocumented)) throw new Error(`ShadowUpdate: ${explain(shadowDetail)}`);
  for (const field of ['reportedState', 'deltaState', 'metadata'])
    if (typeof detail[field] !== 'string') throw new Error(`${field} is not stringified JSON`);
  if (!lockShadow(JSON.parse(detail.reportedState as string)))
    throw new Error(`LockStateReported: ${explain(lockShadow)}`);
}

/** Any EventBridge envelope (the documented example shape). */
export function checkEnvelope(delivery: unknown): void {
  if (!envelope(delivery)) throw new Error(`envelope: ${explain(envelope)}`);
}
