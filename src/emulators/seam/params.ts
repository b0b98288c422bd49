import { createHash } from 'node:crypto';
import { invalidInput, seamError } from './errors';

/** A request's parameters: the JSON body for POST/PUT/PATCH/DELETE, the query string for GET. */
export type Params = Record<string, unknown>;

export function paramsFrom(method: string, body: unknown, query: URLSearchParams): Params {
  if (method === 'GET') {
    const out: Params = {};
    for (const key of new Set(query.keys())) {
      const all = query.getAll(key);
      const name = key.endsWith('[]') ? key.slice(0, -2) : key;
      out[name] = key.endsWith('[]') || all.length > 1 ? all : all[0];
    }
    return out;
  }
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalidInput('The request body must be a JSON object');
  return body as Params;
}

export function optString(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidInput(`${key} must be a string`, key);
  return v;
}

export function reqString(p: Params, key: string): string {
  const v = optString(p, key);
  if (v === undefined || v === '') throw invalidInput(`${key} is required`, key);
  return v;
}

export function optBool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (typeof v !== 'boolean') throw invalidInput(`${key} must be a boolean`, key);
  return v;
}

export function optNumber(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidInput(`${key} must be a number`, key);
  return n;
}

export function optStringArray(p: Params, key: string): string[] | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  const arr = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(arr) || arr.some((x) => typeof x !== 'string'))
    throw invalidInput(`${key} must be a list of strings`, key);
  return arr as string[];
}

export function optDate(p: Params, key: string): string | undefined {
  const v = optString(p, key);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalidInput(`${key} must be an ISO 8601 date`, key);
  return new Date(ms).toISOString();
}

/**
 * limit (default 500) + page_cursor over a list. The cursor carries the next offset and a hash of the other
 * parameters: like Seam (fake-seam-connect's pagination: "mismatched_page_parameters"), a cursor only
 * continues the request it came from.
 */
export function paginate<T>(
  items: T[],
  p: Params,
  nextUrl: (cursor: string) => string,
): {
  page: T[];
  pagination: { has_next_page: boolean; next_page_cursor: string | null; next_page_url: string | null };
} {
  const limit = optNumber(p, 'limit') ?? 500;
  if (limit < 1) throw invalidInput('limit must be at least 1', 'limit');
  const cursor = optString(p, 'page_cursor');
  const { page_cursor: _ignored, ...rest } = p;
  const queryHash = createHash('sha256').update(canonical(rest)).digest('base64url').slice(0, 16);
  let offset = 0;
  if (cursor) {
    const decoded = decodeCursor(cursor);
    if (!decoded) throw invalidInput('Invalid page_cursor', 'page_cursor');
    if (decoded.hash !== queryHash)
      throw seamError(
        400,
        'mismatched_page_parameters',
        'When using next_page_cursor, the request must send parameters identical to the initial request.',
      );
    offset = decoded.offset;
  }
  const page = items.slice(offset, offset + limit);
  const hasNext = offset + limit < items.length;
  const next = hasNext
    ? Buffer.from(JSON.stringify([queryHash, offset + limit]), 'utf8').toString('base64url')
    : null;
  return {
    page,
    pagination: {
      has_next_page: hasNext,
      next_page_cursor: next,
      next_page_url: next ? nextUrl(next) : null,
    },
  };
}

function decodeCursor(cursor: string): { hash: string; offset: number } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && Number.isInteger(v[1]) && (v[1] as number) >= 0)
      return { hash: v[0], offset: v[1] as number };
  } catch {
    // not JSON: an invalid cursor
  }
  return undefined;
}

/** JSON with sorted keys, so the same parameters in another order hash the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
