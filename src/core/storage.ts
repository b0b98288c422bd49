import { promises as fs } from 'node:fs';
import { join, dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LockbridgeError } from './errors';

/**
 * One storage directory per surface (Homebridge's storagePath, Node-RED's user directory, the CLI's
 * --data-dir) for tokens, caches and the code journal. Names are relative paths inside it.
 */
export interface Storage {
  read(name: string): Promise<string | undefined>;
  write(name: string, data: string): Promise<void>;
  delete(name: string): Promise<void>;
  list(prefix?: string): Promise<string[]>;
}

export async function readJson<T>(storage: Storage, name: string): Promise<T | undefined> {
  const text = await storage.read(name);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    // A torn or hand-edited file must not stop the process: treat it as absent.
    return undefined;
  }
}

export async function writeJson(storage: Storage, name: string, value: unknown): Promise<void> {
  await storage.write(name, JSON.stringify(value, null, 2));
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9._@-]+(\/[A-Za-z0-9._@-]+)*$/.test(name) || name.split('/').some((p) => p === '..')) {
    throw new LockbridgeError('invalid_input', `Invalid storage name "${name}"`);
  }
}

/** Files in a directory, written atomically (write a temp file, fsync, rename) with mode 0600. */
export class FileStorage implements Storage {
  constructor(readonly dir: string) {}

  private path(name: string): string {
    checkName(name);
    return join(this.dir, name);
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(name: string, data: string): Promise<void> {
    const target = this.path(name);
    await fs.mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  }

  async delete(name: string): Promise<void> {
    await fs.rm(this.path(name), { force: true });
  }

  async list(prefix = ''): Promise<string[]> {
    const out: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(join(this.dir, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const name = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(name);
        else if (!e.name.endsWith('.tmp') && name.startsWith(prefix)) out.push(name);
      }
    };
    await walk('');
    return out.sort();
  }
}

export class MemoryStorage implements Storage {
  readonly files = new Map<string, string>();
  async read(name: string): Promise<string | undefined> {
    return this.files.get(name);
  }
  async write(name: string, data: string): Promise<void> {
    checkName(name);
    this.files.set(name, data);
  }
  async delete(name: string): Promise<void> {
    this.files.delete(name);
  }
  async list(prefix = ''): Promise<string[]> {
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

/** A view of a storage under a sub-folder, so each account keeps its own files. */
export class ScopedStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly scope: string,
  ) {
    checkName(scope);
  }
  read(name: string): Promise<string | undefined> {
    return this.inner.read(`${this.scope}/${name}`);
  }
  write(name: string, data: string): Promise<void> {
    return this.inner.write(`${this.scope}/${name}`, data);
  }
  delete(name: string): Promise<void> {
    return this.inner.delete(`${this.scope}/${name}`);
  }
  async list(prefix = ''): Promise<string[]> {
    const all = await this.inner.list(`${this.scope}/${prefix}`);
    return all.map((n) => n.slice(this.scope.length + 1));
  }
}
