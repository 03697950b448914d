import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// At most as many connections as a load balancer's upstream pool would hold: thousands of people's
// idle keep-alive connections left from one level would otherwise use up the server's open files,
// and a process out of them resets new connections.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8192, maxFreeSockets: 8192 });

/**
 * A lean HTTP/1.1 request for open-loop load from one process: thousands of people at once cost the
 * loader little. With fetch the loader spent several times more per request and saturated its core
 * before the server did, so the latencies it reported were its own.
 */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  retried = false,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
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
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed as it was reused: sent again once, as browsers do
      // (the Node.js documentation's pattern; writes carry an Idempotency-Key, so it stays one).
      if (!retried && req.reusedSocket && e.code === 'ECONNRESET') resolve(send(url, init, true));
      else reject(e);
    });
    req.end(init.body);
  });
}
