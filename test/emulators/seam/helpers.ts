import axios, { type AxiosInstance } from 'axios';
import { SEAM_EMULATOR_API_KEY, SeamEmulator, type SeamEmulatorOptions } from '../../../src/emulators/seam';

export interface Running {
  emulator: SeamEmulator;
  url: string;
  api: AxiosInstance;
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<{ status: number; data: T }>;
}

/** The emulator on 127.0.0.1:0 with fast timings and the demo seed, plus a raw HTTP helper. */
export async function startSeam(options: SeamEmulatorOptions = {}): Promise<Running> {
  const emulator = new SeamEmulator({ timings: 'fast', seed: true, ...options });
  const url = await emulator.listen();
  const api = axios.create({
    baseURL: url,
    headers: { authorization: `Bearer ${SEAM_EMULATOR_API_KEY}` },
    validateStatus: () => true,
    proxy: false,
  });
  return {
    emulator,
    url,
    api,
    post: async (path, body = {}) => {
      const res = await api.post(path, body);
      return { status: res.status, data: res.data };
    },
  };
}

/** Waits until check() is truthy (polling every few ms); fails after a generous bound. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what = 'condition',
): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
