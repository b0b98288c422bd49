import { LockbridgeError } from '../core/errors';

/**
 * Reads a password for `lockbridge hash-password`: typed at a terminal without echo (asked twice), or
 * the whole of standard input when it is a pipe or a file (one trailing newline dropped). Never on the
 * command line, where it would stay in the shell's history and the process list.
 */
export async function readPassword(
  input: NodeJS.ReadStream = process.stdin,
  prompt: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const first = await typeHidden(input, prompt, 'Password: ');
  const again = await typeHidden(input, prompt, 'Again: ');
  if (first !== again) throw new LockbridgeError('invalid_input', 'The two passwords differ');
  return first;
}

function typeHidden(input: NodeJS.ReadStream, prompt: NodeJS.WritableStream, label: string): Promise<string> {
  prompt.write(label);
  input.setRawMode(true);
  input.resume();
  let typed = '';
  return new Promise((resolve, reject) => {
    const finish = (err?: LockbridgeError) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      prompt.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new LockbridgeError('invalid_input', 'Cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
