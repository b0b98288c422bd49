import assert from 'node:assert/strict';
import { startSeam, type Running } from './helpers';

type Page = {
  locks: Array<{ device_id: string }>;
  devices: Array<{ device_id: string }>;
  pagination: { has_next_page: boolean; next_page_cursor: string | null; next_page_url: string | null };
};

/** locks/list pages as Seam documents it: `limit` default 500, `page_cursor` from the previous page. */
describe('seam emulator: locks/list pagination', () => {
  let seam: Running;
  beforeEach(async () => {
    seam = await startSeam({ seed: false });
    for (let i = 0; i < 1200; i++)
      seam.emulator.state.addDevice({ device_type: 'nuki_lock', name: `Door ${String(i).padStart(4, '0')}` });
  });
  afterEach(() => seam.emulator.close());

  it('answers 500 locks by default, then the rest page by page, each lock once', async () => {
    const first = await seam.post<Page>('/locks/list', {});
    assert.equal(first.status, 200);
    assert.equal(first.data.locks.length, 500);
    assert.deepEqual(first.data.devices, first.data.locks);
    assert.equal(first.data.pagination.has_next_page, true);
    const cursor = first.data.pagination.next_page_cursor;
    assert.ok(cursor);
    const second = await seam.post<Page>('/locks/list', { page_cursor: cursor });
    assert.equal(second.data.locks.length, 500);
    const third = await seam.post<Page>('/locks/list', {
      page_cursor: second.data.pagination.next_page_cursor,
    });
    assert.equal(third.data.locks.length, 200);
    assert.deepEqual(third.data.pagination, {
      has_next_page: false,
      next_page_cursor: null,
      next_page_url: null,
    });
    const ids = [...first.data.locks, ...second.data.locks, ...third.data.locks].map((d) => d.device_id);
    assert.equal(new Set(ids).size, 1200);
  });

  it('honours limit, and refuses a cursor sent with other parameters', async () => {
    const first = await seam.post<Page>('/locks/list', { limit: 7 });
    assert.equal(first.data.locks.length, 7);
    const cursor = first.data.pagination.next_page_cursor;
    const same = await seam.post<Page>('/locks/list', { limit: 7, page_cursor: cursor });
    assert.equal(same.status, 200);
    assert.equal(same.data.locks.length, 7);
    assert.notEqual(same.data.locks[0].device_id, first.data.locks[0].device_id);
    const other = await seam.post<{ error: { type: string } }>('/locks/list', {
      limit: 8,
      page_cursor: cursor,
    });
    assert.equal(other.status, 400);
    assert.equal(other.data.error.type, 'mismatched_page_parameters');
    const junk = await seam.post<{ error: { type: string } }>('/locks/list', { page_cursor: 'not-a-cursor' });
    assert.equal(junk.status, 400);
  });
});
