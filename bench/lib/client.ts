import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// Below the process's open-file limit (20,000 here), with room for its database connections.
const agent = new http.Agent({ keepAlive: true, maxSockets: 15_000, maxFreeSockets: 15_000 });

/**
 * A lean HTTP/1.1 request for open-loop load from one process: thousands of people at once cost the
 * loader little. With fetch the loader spent several times more per request and saturated its core
 * before the server did, so the latencies it reported were its own.
 */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = init.body
      ? { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) }
      : init.headers;
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
