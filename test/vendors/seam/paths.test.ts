import assert from 'node:assert/strict';
import { SEAM_INFERRED_PATHS, SEAM_PATHS } from '../../../src/vendors/seam/paths';
import { seamOpenApi } from './openapi-schema';

describe('seam paths', () => {
  it("every path Lockbridge calls is a POST operation of Seam's OpenAPI document", () => {
    const api = seamOpenApi();
    const missing = Object.values(SEAM_PATHS).filter((p) => !api.operation('POST', p));
    assert.deepEqual(missing, []);
    // The once-inferred paths included.
    assert.ok(SEAM_INFERRED_PATHS.every((p) => api.operation('POST', p)));
  });
});
