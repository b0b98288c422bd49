import { readJson, writeJson, type Storage } from '../../src/core/storage';

/**
 * What the Access Code service keeps per lock, in Lockbridge's folder of Homebridge's storage
 * directory (FileStorage writes atomically: temp file, fsync, rename):
 * - the HomeKit identifier (u32, stable, never reused) of each vendor code id,
 * - ConfigurationState, the u16 counter the Home app watches to know the codes changed,
 * - the vendor code ids seen at the last look, to notice changes made while Homebridge was down.
 * No PIN is stored here.
 */
interface StoredState {
  version: 1;
  configurationState: number;
  nextIdentifier: number;
  identifiers: Record<string, number>;
  knownCodeIds?: string[];
}

const MAX_U32 = 0xffffffff;
const MAX_U16 = 0xffff;
/** The name a code made from the Home app gets at the vendor: it carries the identifier back. */
const NAME = /^HomeKit (\d{1,10})$/;

export function homeKitCodeName(identifier: number): string {
  return `HomeKit ${identifier}`;
}

export function identifierInName(name: string | undefined): number | undefined {
  const m = name?.match(NAME);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= MAX_U32 ? n : undefined;
}

export class AccessCodeStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly storage: Storage,
    private readonly file: string,
    private state: StoredState,
  ) {}

  static async load(storage: Storage, lockId: string): Promise<AccessCodeStore> {
    const file = `homekit/access-codes/${lockId}.json`;
    const saved = await readJson<Partial<StoredState>>(storage, file);
    const state: StoredState = {
      version: 1,
      configurationState: validU16(saved?.configurationState) ?? 0,
      nextIdentifier: validId(saved?.nextIdentifier) ?? 1,
      identifiers: {},
      knownCodeIds: Array.isArray(saved?.knownCodeIds)
        ? saved.knownCodeIds.filter((s): s is string => typeof s === 'string')
        : undefined,
    };
    for (const [codeId, n] of Object.entries(saved?.identifiers ?? {})) {
      const id = validId(n);
      if (id !== undefined) state.identifiers[codeId] = id;
    }
    return new AccessCodeStore(storage, file, state);
  }

  get configurationState(): number {
    return this.state.configurationState;
  }

  /** ConfigurationState + 1 (u16, wraps to 0 as the ADK's counter does), saved before it is told. */
  async bump(): Promise<number> {
    this.state.configurationState = (this.state.configurationState + 1) & MAX_U16;
    await this.save();
    return this.state.configurationState;
  }

  identifierOf(codeId: string): number | undefined {
    return this.state.identifiers[codeId];
  }

  codeIdOf(identifier: number): string | undefined {
    return Object.entries(this.state.identifiers).find(([, n]) => n === identifier)?.[0];
  }

  /** A new identifier, never handed out before on this lock. */
  allocate(): number {
    const n = this.state.nextIdentifier;
    this.state.nextIdentifier = n >= MAX_U32 ? 1 : n + 1;
    return n;
  }

  /**
   * The identifier of a vendor code: the one it has, else the one in its name when the Home app made
   * it (the answer may have come before the vendor gave the code an id), else a new one.
   */
  assign(codeId: string, name?: string): number {
    const known = this.state.identifiers[codeId];
    if (known !== undefined) return known;
    const named = identifierInName(name);
    const n = named !== undefined && this.codeIdOf(named) === undefined ? named : this.allocate();
    if (n >= this.state.nextIdentifier) this.state.nextIdentifier = n + 1;
    this.state.identifiers[codeId] = n;
    return n;
  }

  /** Forgets codes that are gone from the lock (their identifiers are not reused). */
  retain(codeIds: readonly string[]): void {
    const keep = new Set(codeIds);
    for (const codeId of Object.keys(this.state.identifiers))
      if (!keep.has(codeId)) delete this.state.identifiers[codeId];
  }

  get knownCodeIds(): string[] | undefined {
    return this.state.knownCodeIds;
  }

  set knownCodeIds(ids: string[] | undefined) {
    this.state.knownCodeIds = ids ? [...ids].sort() : undefined;
  }

  /** Writes the state; writes are serialized so an older state never lands after a newer one. */
  save(): Promise<void> {
    const snapshot = JSON.parse(JSON.stringify(this.state)) as StoredState;
    const run = this.writing.then(() => writeJson(this.storage, this.file, snapshot));
    this.writing = run.catch(() => undefined);
    return run;
  }
}

function validId(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_U32 ? n : undefined;
}

function validU16(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_U16 ? n : undefined;
}
