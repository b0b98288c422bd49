import { LockbridgeError } from '../../core/errors';
import {
  parseCodeInput,
  parseCodeSetInput,
  parseGenerateOptions,
  parsePartialCodeInput,
} from '../model-params';
import type { OperationTable } from './operation';

/** Access codes: list, create, update, delete, generate, validate, and code sets across locks. */
export const codeOperations: OperationTable = {
  'codes/list': (p, { source }) => source.listCodes(p.string('lock')),
  'codes/create': (p, { source }) => source.createCode(p.string('lock'), parseCodeInput(p)),
  'codes/update': (p, { source }) =>
    source.updateCode(p.string('lock'), p.string('codeId'), parsePartialCodeInput(p)),
  'codes/delete': (p, { source }) => source.deleteCode(p.string('lock'), p.string('codeId')),
  'codes/generate': async (p, { source, settings }) => {
    // A generated code is a PIN and nothing else: without publishCodes there is nothing to answer.
    if (!settings.publishCodes)
      throw new LockbridgeError('forbidden', 'Generated codes are only published with mqtt.publishCodes on');
    return { code: await source.generateCode(p.string('lock'), parseGenerateOptions(p)) };
  },
  'codes/validate': (p, { source }) =>
    source.validateCode(p.string('lock'), parseCodeInput(p, { forValidation: true })),
  'codes/set': (p, { source }) => source.createCodeSet(parseCodeSetInput(p)),
};
