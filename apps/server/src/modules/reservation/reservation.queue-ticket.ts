import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** A ticket is good for this long; the line itself is kept two days. */
const TICKET_SECONDS = 4 * 3600;

/**
 * 排队凭证: a waiting person's place, signed by the server (campaign, place in the line, expiry; no
 * personal data). Once a campaign is open a place never moves (later arrivals queue behind), so the
 * ticket alone answers "where do I stand": the poll needs no session, no shared cache and no
 * database, as a waiting room at the edge answers from its cookie. Reserving still needs the session
 * and the line's own word that the place is admitted.
 */
export class QueueTickets {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zt/reservation/queue-ticket/v1', 32));
  }

  issue(campaignId: string, rank: number, now = Date.now()): string {
    const body = `${campaignId}.${rank}.${Math.floor(now / 1000) + TICKET_SECONDS}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The place a ticket holds, or null when it is not one of ours, was changed or has expired. */
  read(ticket: string, now = Date.now()): { campaignId: string; rank: number } | null {
    const parts = ticket.split('.');
    if (parts.length !== 4) return null;
    const [campaignId, rank, expires, mac] = parts as [string, string, string, string];
    const expected = Buffer.from(this.mac(`${campaignId}.${rank}.${expires}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (!/^\d{1,9}$/.test(rank) || Number(expires) * 1000 <= now) return null;
    return { campaignId, rank: Number(rank) };
  }

  /** 128 bits of HMAC-SHA256: enough against forgery, short enough for a header. */
  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
