import { SHARE_KINDS, parseShareRequest } from '../model-params';
import type { Operation, OperationTable } from './operation';

const share: Operation = (p, { source }) =>
  source.share(parseShareRequest(p, p.string('lock'), p.oneOf('kind', SHARE_KINDS)));

/**
 * Sharing: `share` with a kind in the payload, the same as `share/<kind>` (Unloc duplicate and delete
 * duplicate, keys, Seam mobile keys, August lock users), and `shares/list`.
 */
export const shareOperations: OperationTable = {
  share,
  ...Object.fromEntries(
    SHARE_KINDS.map((kind): [string, Operation] => [
      `share/${kind}`,
      (p, { source }) => source.share(parseShareRequest(p, p.string('lock'), kind)),
    ]),
  ),
  'shares/list': (p, { source }) => source.listShares(p.string('lock')),
};
