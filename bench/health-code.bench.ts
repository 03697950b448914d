import { load } from './lib/load.ts';
import { residentSession, startServer, staffSession } from './lib/server.ts';
import { row, type Row } from './lib/table.ts';

/**
 * The checkpoint scan (verify a health code against the trust list and queue its check-in) on the
 * real server, against the trivial route of the same server in the same run. Every request carries
 * the same code: the server keeps no cache of verified texts, so each one is checked and recorded in full.
 */
export async function healthCodeScan(): Promise<Row[]> {
  const server = await startServer();
  try {
    const resident = await residentSession(server.url);
    const declared = await fetch(`${server.url}/api/v1/health-code/declarations`, {
      method: 'POST',
      headers: { ...resident, 'content-type': 'application/json' },
      body: JSON.stringify({ symptoms: [], visited: [], riskAreaVisit: 'none', contactWithCase: false, consent: true }),
    });
    if (!declared.ok) throw new Error(`declaration failed: ${declared.status} ${await declared.text()}`);
    const code = (await (await fetch(`${server.url}/api/v1/health-code/code`, { headers: resident })).json()) as {
      text: string;
    };
    const staff = await staffSession(server.url, 'venue');
    const body = JSON.stringify({ text: code.text });
    const check = (await (
      await fetch(`${server.url}/api/v1/check-in/scans`, {
        method: 'POST',
        headers: { ...staff, 'content-type': 'application/json' },
        body,
      })
    ).json()) as { result: string; checkedIn: boolean };
    if (check.result !== 'valid' || !check.checkedIn) throw new Error(`scan answered ${JSON.stringify(check)}`);

    await load(`${server.url}/healthz`, { seconds: 2 });
    const trivial = await load(`${server.url}/healthz`);
    const scan = await load(`${server.url}/api/v1/check-in/scans`, { method: 'POST', headers: staff, body });
    if (scan.errors || scan.non2xx) throw new Error(`scan: ${scan.errors} errors, ${scan.non2xx} non-2xx answers`);
    return [
      row('trivial route GET /healthz: requests/s', trivial.rps, 'req/s', null),
      row('checkpoint scan POST /check-in/scans (verify + record): requests/s', scan.rps, 'req/s', trivial.rps),
      row('checkpoint scan POST /check-in/scans: p99', scan.p99, 'ms', trivial.p99),
    ];
  } finally {
    await server.stop();
  }
}
