import { load } from './lib/load.ts';
import { startServer, staffSession } from './lib/server.ts';
import { row, type Row } from './lib/table.ts';

/** An authenticated API read against a trivial route of the same server, in one run. */
export async function apiRead(): Promise<Row[]> {
  const server = await startServer();
  try {
    const headers = await staffSession(server.url);
    const list = (await (await fetch(`${server.url}/api/v1/identity/residents?limit=1`, { headers })).json()) as {
      items: { id: string }[];
    };
    // Warm up JIT and caches so the first measured scenario is not penalised.
    await load(`${server.url}/healthz`, { seconds: 2 });
    const trivial = await load(`${server.url}/healthz`);
    const me = await load(`${server.url}/api/v1/identity/me`, { headers });
    const resident = await load(`${server.url}/api/v1/identity/residents/${list.items[0]!.id}`, { headers });
    for (const [name, r] of [
      ['me', me],
      ['resident', resident],
    ] as const)
      if (r.errors || r.non2xx) throw new Error(`${name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
    return [
      row('trivial route GET /healthz: requests/s', trivial.rps, 'req/s', null),
      row('authenticated read GET /identity/me: requests/s', me.rps, 'req/s', trivial.rps),
      row('authenticated read GET /identity/me: p99', me.p99, 'ms', trivial.p99),
      row('audited personal-record read GET /identity/residents/:id: requests/s', resident.rps, 'req/s', trivial.rps),
      row('audited personal-record read GET /identity/residents/:id: p99', resident.p99, 'ms', trivial.p99),
    ];
  } finally {
    await server.stop();
  }
}
