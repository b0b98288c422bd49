import { request, type ClientRequest } from 'node:http';

/** A bare server-sent-events reader for the direct baseline: calls back with each JSON event. */
export function openEvents(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: Record<string, unknown>) => void,
): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/events`, { headers }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) onEvent(JSON.parse(data.slice(6)) as Record<string, unknown>);
        }
      });
      resolve(req);
    });
    req.on('error', reject);
    req.end();
  });
}
