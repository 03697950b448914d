import type { QueueState } from '@zhengtong/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Cache, CacheScript } from '../../platform/cache/index.ts';
import { QueueTickets } from './reservation.queue-ticket.ts';

export interface WaitingRoomOptions {
  /** Admissions per second to begin with, and the bounds the controller keeps to. */
  startRate: number;
  minRate: number;
  maxRate: number;
  /** A reservation answered slower than this counts against the backend's health. */
  targetMs: number;
  /** How often the controller admits the next people (0: only when `tick` is called, for tests). */
  tickMs: number;
  /**
   * Admitted reservations this process works on at once; one more is shed (503) at once rather than
   * queued behind them, and counts as a shed reservation for the controller.
   */
  maxInFlight: number;
}

const TTL = 2 * 86_400;
/** More than this share of slow reservations in a second is the backend saying "slower, please". */
const SLOW_SHARE = 0.05;
const k = (campaignId: string, part: string) => `wr:${campaignId}:${part}`;
/** How old this process's copy of a line's front and rate may be when a ticket asks. */
const VIEW_MS = 250;

interface LineView {
  front: number;
  rate: number;
  opensAt: Date | null;
  at: number;
}

/**
 * 排队: the virtual waiting room in front of each campaign. People who arrive before the opening get a
 * random place (the fastest clicker has no edge), later arrivals queue in order behind them. The room
 * admits people at a rate that follows the backend's measured health (additive increase while
 * reservations stay fast, multiplicative decrease when they slow down or the server sheds load), not a
 * fixed guess. All state lives in the shared cache (Redis in production), so every app process sees one
 * line; one process at a time (the leader) moves it on.
 */
export class WaitingRoom {
  private readonly id = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private samples = { n: 0, slow: 0, shed: 0 };
  private inFlight = 0;
  /** Reservations this process finished in the current second (`count`) and the one before (`last`). */
  private finished = { second: 0, count: 0, last: 0 };
  private rate: number;
  private lastTick = Date.now();
  private decidedSecond = 0;
  /**
   * Until the backend first says "slower", the rate doubles each second it kept up with (TCP's slow
   * start); a second without reservations to judge by adds only a little.
   */
  private slowStart = true;
  /**
   * The highest rate reached so far. A surge's first seconds (everyone arriving at once) can cut the
   * rate second after second to a trickle; once the backend keeps up again the rate doubles back to
   * half of this (TCP's slow-start threshold after a loss) instead of climbing a tenth at a time.
   */
  private peak = 0;
  /** Fractions of an admission carried to the next tick, per campaign. */
  private readonly carry = new Map<string, number>();
  /** The front and rate of each line as this process last read them, for tickets; and reads under way. */
  private readonly views = new Map<string, LineView>();
  private readonly reading = new Map<string, Promise<LineView>>();

  constructor(
    private readonly cache: Cache,
    private readonly opts: WaitingRoomOptions,
    /** Every process of the platform signs with the same key (derived from the master key). */
    private readonly tickets = new QueueTickets(randomBytes(32)),
  ) {
    this.rate = opts.startRate;
  }

  start(): void {
    if (this.opts.tickMs > 0 && !this.timer) {
      this.timer = setInterval(() => void this.tick().catch(() => {}), this.opts.tickMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Puts the person in the campaign's line (again: they keep their place) and says where they stand. */
  async join(campaignId: string, member: string, opensAt: Date | null, now = Date.now()): Promise<QueueState> {
    const open = !opensAt || opensAt.getTime() <= now;
    // Every arrival of a surge asks this: one script (a round trip) places, admits and answers them.
    const [rank, front, rate] = (await this.cache.run(
      JOIN,
      [
        k(campaignId, 'q'),
        k(campaignId, 'seq'),
        'wr:active',
        k(campaignId, 'opens'),
        k(campaignId, 'front'),
        k(campaignId, `admitted:${Math.floor(now / 1000)}`),
        'wr:rate',
      ],
      [
        member,
        open ? 1 : 0,
        Math.random(),
        now,
        opensAt?.getTime() ?? '',
        TTL,
        this.rate,
        this.opts.minRate,
        this.opts.maxRate,
        campaignId,
      ],
    )) as [number, number, string];
    return this.answer(campaignId, rank, front, Number(rate), opensAt, now);
  }

  /** Where the person stands, or null when they have not joined. */
  async state(campaignId: string, member: string, opensAt: Date | null, now = Date.now()): Promise<QueueState> {
    const [rank, front, rate] = await Promise.all([
      this.cache.rank(k(campaignId, 'q'), member),
      this.front(campaignId),
      this.currentRate(),
    ]);
    return this.answer(campaignId, rank, front, rate, opensAt, now);
  }

  /**
   * Where the holder of a ticket stands, from this process's copy of the line (at most a quarter of a
   * second old): no session, no round trip. Null when the ticket is not a good one.
   */
  async ticketState(ticket: string, now = Date.now()): Promise<QueueState | null> {
    const place = this.tickets.read(ticket, now);
    if (!place) return null;
    const view = await this.view(place.campaignId, now);
    return { ...stateOf(place.rank, view.front, view.rate, view.opensAt, now), ticket };
  }

  /** The state, with a ticket once the line is open (before, places still move as people join). */
  private answer(
    campaignId: string,
    rank: number | null,
    front: number,
    rate: number,
    opensAt: Date | null,
    now: number,
  ) {
    const open = !opensAt || opensAt.getTime() <= now;
    const ticket = open && rank !== null && rank >= front ? this.tickets.issue(campaignId, rank, now) : null;
    return { ...stateOf(rank, front, rate, opensAt, now), ticket };
  }

  /**
   * This process's copy of the line's front and rate. A copy older than a quarter of a second is
   * answered still while one read refreshes it for everyone: the front only moves forward, so an old
   * copy only tells someone a moment late that it is their turn.
   */
  private async view(campaignId: string, now: number): Promise<LineView> {
    const known = this.views.get(campaignId);
    if (known && now - known.at <= VIEW_MS) return known;
    let read = this.reading.get(campaignId);
    if (!read) {
      read = Promise.all([this.front(campaignId), this.currentRate(), this.cache.get(k(campaignId, 'opens'))])
        .then(([front, rate, opens]) => {
          const view = { front, rate, opensAt: opens ? new Date(Number(opens)) : null, at: now };
          // Campaigns are few; a process that has seen thousands starts its copies afresh.
          if (this.views.size > 1000) this.views.clear();
          this.views.set(campaignId, view);
          return view;
        })
        .finally(() => this.reading.delete(campaignId));
      this.reading.set(campaignId, read);
    }
    if (!known) return read;
    read.catch(() => {}); // the old copy answers; the next ticket tries the read again
    return known;
  }

  /** Takes one of the process's places for an admitted reservation; false when all are taken. */
  enter(): boolean {
    if (this.inFlight >= this.opts.maxInFlight) return false;
    this.inFlight++;
    return true;
  }
  leave(now = Date.now()): void {
    this.inFlight--;
    const second = Math.floor(now / 1000);
    if (second !== this.finished.second)
      this.finished = { second, count: 0, last: second === this.finished.second + 1 ? this.finished.count : 0 };
    this.finished.count++;
  }

  /**
   * When someone turned away by `enter` should come back: once the reservations ahead of them are done
   * at the pace this process finishes them (1–10 s). Told "1 s" every time, thousands of admitted people
   * kept every place taken with their retries, and the ones being served slowed down under them.
   */
  busyRetryAfterSeconds(now = Date.now()): number {
    const second = Math.floor(now / 1000);
    const { count, last } = this.finished;
    const pace =
      this.finished.second === second ? Math.max(count, last) : this.finished.second === second - 1 ? count : 0;
    return Math.min(10, Math.max(1, Math.ceil(this.inFlight / Math.max(1, pace))));
  }

  /**
   * Records how long an admitted person's reservation took, or that this process shed it (all its
   * places taken), for the controller.
   */
  observe(ms: number, shed: boolean): void {
    this.samples.n += 1;
    if (shed) this.samples.shed += 1;
    if (shed || ms > this.opts.targetMs) this.samples.slow += 1;
  }

  /** One step of the controller: report health, and if leader, adjust the rate and admit the next. */
  async tick(now = Date.now()): Promise<void> {
    const second = Math.floor(now / 1000);
    const { n, slow, shed } = this.samples;
    this.samples = { n: 0, slow: 0, shed: 0 };
    if (n) {
      await this.cache.increment(`wr:health:${second}:n`, 10, n);
      if (slow) await this.cache.increment(`wr:health:${second}:slow`, 10, slow);
      if (shed) await this.cache.increment(`wr:health:${second}:shed`, 10, shed);
    }
    if (!(await this.lead())) {
      this.lastTick = now;
      return;
    }
    const campaigns = await this.cache.rankedMembers('wr:active');
    const lines = await Promise.all(
      campaigns.map(async (c) => {
        const [count, front, opens] = await Promise.all([
          this.cache.rankedCount(k(c, 'q')),
          this.front(c),
          this.cache.get(k(c, 'opens')),
        ]);
        return { c, count, front, open: !opens || Number(opens) <= now };
      }),
    );
    const waiting = lines.filter((l) => l.open && l.count > l.front);
    if (second > this.decidedSecond) {
      this.decidedSecond = second;
      await this.decide(second - 1, waiting.length > 0);
    }
    const dt = Math.min(1, (now - this.lastTick) / 1000);
    this.lastTick = now;
    for (const l of waiting) {
      const due = (this.rate * dt) / waiting.length + (this.carry.get(l.c) ?? 0);
      const whole = Math.floor(due);
      this.carry.set(l.c, due - whole);
      if (whole > 0) await this.cache.raiseTo(k(l.c, 'front'), Math.min(l.count, l.front + whole), TTL);
    }
  }

  // ---------- internals ----------

  /**
   * AIMD on the last whole second's reservations, as TCP does on a congested link: a surge meets a
   * start rate that is a guess, so the rate first doubles while the backend keeps up (slow start).
   */
  private async decide(second: number, backlog: boolean) {
    const [n, slow, shed] = (
      await Promise.all(['n', 'slow', 'shed'].map((part) => this.cache.get(`wr:health:${second}:${part}`)))
    ).map((v) => Number(v ?? 0)) as [number, number, number];
    if (n > 0 && slow / n > SLOW_SHARE) {
      // Never below what the backend got done that second, slowly or not: the admitted who come back
      // late (asleep until their next poll) arrive together and are slow, yet served; cutting the rate
      // under what was served would leave places unused while the line waits.
      this.peak = Math.max(this.peak, this.rate);
      this.rate = Math.max(this.opts.minRate, Math.min(this.rate, Math.max(this.rate * 0.7, (n - shed) * 0.9)));
      this.slowStart = false;
    } else if (backlog && (n === 0 || n >= this.rate * 0.8)) {
      // A second with reservations to judge by proved the rate; one without adds only a little. A rate
      // the admitted did not nearly use proved nothing and is kept (TCP's congestion window validation,
      // RFC 7661): a line that drains slowly would otherwise double it far past what the backend has
      // shown, and the next crowd would be let in all at once.
      if (n > 0) this.peak = Math.max(this.peak, this.rate);
      const step = this.rate + Math.max(5, this.rate * 0.1);
      const next =
        n === 0 ? step : this.slowStart ? this.rate * 2 : Math.max(step, Math.min(this.peak / 2, this.rate * 2));
      this.rate = Math.min(this.opts.maxRate, next);
    }
    await this.cache.set('wr:rate', String(this.rate), TTL);
  }

  /** One process leads at a time; a leader that stops is replaced within two seconds. */
  private async lead(): Promise<boolean> {
    if (await this.cache.setIfAbsent('wr:leader', this.id, 2)) {
      // A new leader carries on from the rate the previous one left, past its slow start.
      const left = await this.cache.get('wr:rate');
      if (left !== null) {
        this.rate = Number(left);
        this.slowStart = false;
      }
      return true;
    }
    if ((await this.cache.get('wr:leader')) !== this.id) return false;
    await this.cache.set('wr:leader', this.id, 2);
    return true;
  }

  private async front(campaignId: string) {
    return Number((await this.cache.get(k(campaignId, 'front'))) ?? 0);
  }

  private async currentRate() {
    const shared = Number((await this.cache.get('wr:rate')) ?? this.rate);
    return Math.min(this.opts.maxRate, Math.max(this.opts.minRate, shared));
  }
}

/**
 * Joining: a person not in the line yet gets a place (before the opening a random one below 1, the
 * fastest clicker has no edge; afterwards counting up from 1). Then, open, they are admitted at once
 * while the line ahead fits in what is left of this second's budget: no wait when calm, while a
 * backlog (a surge, the crowd at the opening) is let in only by the controller. Answers the person's
 * rank, the front of the line and the rate (a string: Redis would cut a fraction off a number).
 * KEYS: line, sequence, active campaigns, opening, front, this second's admissions, shared rate.
 * ARGV: member, open (1/0), random place, now, opening (ms or ''), ttl, this process's rate, min, max, campaign.
 */
const JOIN: CacheScript = {
  lua: `local ttl = tonumber(ARGV[6])
    local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
    if not rank then
      local score = ARGV[3]
      if ARGV[2] == '1' then
        score = 1 + redis.call('INCR', KEYS[2])
        redis.call('EXPIRE', KEYS[2], ttl, 'NX')
      end
      redis.call('ZADD', KEYS[1], 'NX', score, ARGV[1])
      redis.call('EXPIRE', KEYS[1], ttl)
      redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[10])
      redis.call('EXPIRE', KEYS[3], ttl)
      if ARGV[5] ~= '' then redis.call('SET', KEYS[4], ARGV[5], 'EX', ttl) end
      rank = redis.call('ZRANK', KEYS[1], ARGV[1])
    end
    local front = tonumber(redis.call('GET', KEYS[5]) or '0')
    local rate = tonumber(redis.call('GET', KEYS[7]) or ARGV[7])
    rate = math.min(tonumber(ARGV[9]), math.max(tonumber(ARGV[8]), rate))
    if ARGV[2] == '1' and rank >= front then
      local used = redis.call('INCR', KEYS[6])
      redis.call('EXPIRE', KEYS[6], 2, 'NX')
      if used <= rate and rank - front < rate - used + 1 then
        if rank + 1 > front then
          front = rank + 1
          redis.call('SET', KEYS[5], front)
        end
        redis.call('EXPIRE', KEYS[5], ttl)
      end
    end
    return {rank, front, tostring(rate)}`,
  async local(cache, [line, seq, active, opens, frontKey, admitted, rateKey], args) {
    const [member, open, random, now, opensAt, ttl, ownRate, min, max, campaignId] = args as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    let rank = await cache.rank(line!, member);
    if (rank === null) {
      const score = open === '1' ? 1 + (await cache.increment(seq!, Number(ttl))) : Number(random);
      await cache.rankedAdd(line!, member, score, Number(ttl));
      await cache.rankedAdd(active!, campaignId, Number(now), Number(ttl));
      if (opensAt) await cache.set(opens!, opensAt, Number(ttl));
      rank = (await cache.rank(line!, member))!;
    }
    let front = Number((await cache.get(frontKey!)) ?? 0);
    const rate = Math.min(Number(max), Math.max(Number(min), Number((await cache.get(rateKey!)) ?? ownRate)));
    if (open === '1' && rank >= front) {
      const used = await cache.increment(admitted!, 2);
      if (used <= rate && rank - front < rate - used + 1) front = await cache.raiseTo(frontKey!, rank + 1, Number(ttl));
    }
    return [rank, front, String(rate)];
  },
};

function stateOf(
  rank: number | null,
  front: number,
  rate: number,
  opensAt: Date | null,
  now: number,
): Omit<QueueState, 'ticket'> {
  const admitted = rank !== null && rank < front;
  const position = rank === null ? 0 : admitted ? 0 : rank - front + 1;
  const etaSeconds = admitted ? 0 : Math.ceil(position / rate);
  const untilOpening = opensAt ? Math.ceil((opensAt.getTime() - now) / 1000) : 0;
  return {
    admitted,
    position,
    etaSeconds,
    rate: Math.round(rate),
    opensAt: opensAt?.toISOString() ?? null,
    retryAfterSeconds: admitted ? 0 : untilOpening > 0 ? Math.min(10, untilOpening) : pollAfter(etaSeconds),
  };
}

/**
 * How long a waiting person waits before asking again: half the time to their turn, between 1 and 30 s
 * (those whose turn is near ask again soon, so no admitted place waits long for its person; those far
 * back ask seldom, or a line of tens of thousands would take the server the admitted ones need).
 */
const pollAfter = (etaSeconds: number) => Math.min(30, Math.max(1, Math.ceil(etaSeconds / 2)));
