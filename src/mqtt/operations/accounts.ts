import type { OperationTable } from './operation';

/** Accounts and two-factor login. */
export const accountOperations: OperationTable = {
  accounts: async (_p, { source }) => source.accounts(),
  'two_factor/request': async (p, { source }) => {
    await source.requestTwoFactorCode(p.string('account'));
    return null;
  },
  'two_factor/submit': async (p, { source }) => {
    await source.submitTwoFactorCode(p.string('account'), p.string('code', 16));
    return null;
  },
};
