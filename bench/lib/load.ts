import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Closed-loop load on one URL from this process (the server runs in another). */
export async function load(
  url: string,
  opts: {
    headers?: Record<string, string>;
    seconds?: number;
    connections?: number;
    method?: 'GET' | 'POST';
    body?: string;
  } = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: opts.method ?? 'GET',
    body: opts.body,
    headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    duration: opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 5),
    connections: opts.connections ?? 20,
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}
