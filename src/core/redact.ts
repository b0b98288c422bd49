/**
 * Redaction of secrets and PIN codes. Applied in one place: the logger every surface provides goes
 * through it, and vendor error details are passed through it before they are attached to an error.
 *
 * Two mechanisms: known secret values (tokens, passwords, API keys registered at runtime) are replaced
 * wherever they occur; and values under sensitive keys (password, token, pin, code ...) are replaced in
 * objects and in JSON-ish text, so a PIN nobody registered still never shows.
 */
export const REDACTED = '[redacted]';

const SENSITIVE_KEY =
  /^(password|passwd|secret|client_secret|clientsecret|token|access_token|accesstoken|refresh_token|api[_-]?key|x-api-key|x-august-api-key|x-august-access-token|x-access-token|x-kease-api-key|authorization|cookie|set-cookie|pin|pins|code|pin_code|pincode|unlock_code|unlockcode|vpassword|jwt|credentials)$/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

// "key": "value" or key=value or key: value, for the sensitive keys above, inside free text.
const TEXT_PATTERN =
  /(["']?)(password|passwd|secret|client_secret|token|access_token|refresh_token|api[_-]?key|x-api-key|x-august-api-key|x-august-access-token|x-access-token|authorization|pin|code|pin_code|unlock_code|jwt)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&}]+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never appear (a token, a password). Short values are ignored. */
  addSecret(value: string | undefined | null): void {
    if (typeof value === 'string' && value.length >= 4) this.secrets.add(value);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    out = out.replace(BEARER, `$1 ${REDACTED}`);
    out = out.replace(TEXT_PATTERN, (_m, q: string, key: string, sep: string, value: string) => {
      const quoted = value.startsWith('"') ? `"${REDACTED}"` : REDACTED;
      return `${q}${key}${q}${sep}${quoted}`;
    });
    return out;
  }

  value(input: unknown, depth = 0): unknown {
    if (depth > 8) return '[depth]';
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1));
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
        out[k] = isSensitiveKey(k) && v !== null && v !== undefined ? REDACTED : this.value(v, depth + 1);
      }
      return out;
    }
    return input;
  }
}

/** The process-wide redactor for values no account owns; accounts register their secrets here too. */
export const globalRedactor = new Redactor();
