import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** Connections the kernel queues for accept (capped by net.core.somaxconn). */
  listenBacklog: number;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key: deployments sharing one Redis keep their lines, rates and limits apart. */
  cachePrefix: string;
  /** 32-byte data-encryption key for the personal-data vault. */
  masterKey: Buffer;
  demo: boolean;
  demoResidents: number;
  logLevel: string;
  webRoot: string;
  sessionTtlSeconds: number;
  lockout: { maxFailures: number; lockSeconds: number };
  bodyLimitBytes: number;
  /** Requests per minute per client address, shared across processes through Redis. */
  rateLimitPerMinute: number;
  /** Above this event-loop delay (ms) new requests are refused at once with 503 and Retry-After; 0: never. */
  maxEventLoopDelayMs: number;
  /** Trust X-Forwarded-For (only behind a proxy that sets it), so rate limits see real client addresses. */
  trustProxy: boolean;
  /** SMS gateway for one-time codes; without it the development inbox adapter is used (never in production). */
  sms: { webhookUrl: string | null; token: string | null };
  /** 网络直报: reports later than this many hours after diagnosis are overdue. */
  caseReportDeadlineHours: number;
  /** GB/T 2260 code of the region this instance serves: the issuer of its credentials (`iss`). */
  region: string;
  healthCode: {
    /** Lifetime of a health-code credential; the resident page refreshes it well before. */
    lifetimeSeconds: number;
    refreshSeconds: number;
    /** How many people one resident may hold codes for (elderly parents, children). */
    maxProxies: number;
    checkInRetentionDays: number;
    declarationRetentionDays: number;
  };
  tracing: {
    /** A check-in counts as presence for this long (nobody checks out). */
    stayMinutes: number;
    /** Flight passengers this many rows in front or behind are close contacts. */
    flightRows: number;
    /** A case's movements count from this many days before onset. */
    lookbackDays: number;
  };
  /** Days of daily checks after the last exposure, for close and for secondary contacts. */
  observationDays: { close: number; secondary: number };
  imports: {
    /** Largest file a manifest import accepts. */
    maxBytes: number;
    /** Upload chunk size: each chunk is one request body and one database row. */
    chunkBytes: number;
    /** Rows committed per transaction, with the checkpoint a restarted import resumes from. */
    batchRows: number;
  };
  /** How old (ms) a public read model may be: campaign pages, open campaigns, the donation ledger. */
  publicSnapshotMs: number;
  /** 排队: the reservation waiting room's admission controller. */
  waitingRoom: {
    /** Admissions per second at start; the controller moves between 5 and maxRate by measured health. */
    startRate: number;
    maxRate: number;
    /** A reservation answered slower than this (ms) counts as the backend slowing down. */
    targetMs: number;
    /** Controller step (ms); 0 only in tests, which step it themselves. */
    tickMs: number;
    /** Admitted reservations one process works on at once; more are shed with 503 (and slow the room). */
    maxInFlight: number;
  };
}

export class ConfigError extends Error {}

function int(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function bool(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

/** Reads and validates configuration; the only reader of process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const dataDir = resolve(env.ZT_DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || null;
  const masterKey = readMasterKey(env.ZT_MASTER_KEY, nodeEnv, databaseUrl, dataDir);
  const config: Config = {
    env: nodeEnv,
    port: int('PORT', env.PORT, 8080),
    host: env.HOST || '0.0.0.0',
    listenBacklog: int('ZT_LISTEN_BACKLOG', env.ZT_LISTEN_BACKLOG, 4096, 1),
    dataDir,
    databaseUrl,
    redisUrl: env.REDIS_URL || null,
    cachePrefix: env.ZT_CACHE_PREFIX || 'zt:',
    masterKey,
    demo: bool(env.ZT_DEMO, nodeEnv !== 'production'),
    demoResidents: int('ZT_DEMO_RESIDENTS', env.ZT_DEMO_RESIDENTS, 20_000),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
    webRoot: resolve(env.ZT_WEB_ROOT || new URL('../../..', import.meta.url).pathname),
    sessionTtlSeconds: int('ZT_SESSION_TTL', env.ZT_SESSION_TTL, 8 * 3600, 60),
    lockout: {
      maxFailures: int('ZT_LOCKOUT_FAILURES', env.ZT_LOCKOUT_FAILURES, 5, 1),
      lockSeconds: int('ZT_LOCKOUT_SECONDS', env.ZT_LOCKOUT_SECONDS, 15 * 60, 1),
    },
    bodyLimitBytes: int('ZT_BODY_LIMIT', env.ZT_BODY_LIMIT, 1024 * 1024, 1024),
    rateLimitPerMinute: int('ZT_RATE_LIMIT', env.ZT_RATE_LIMIT, 1200, 1),
    // The embedded database runs its queries on the event loop: there the lag measures queries, not overload.
    maxEventLoopDelayMs: int('ZT_MAX_EVENT_LOOP_DELAY', env.ZT_MAX_EVENT_LOOP_DELAY, databaseUrl ? 1000 : 0, 0),
    trustProxy: bool(env.ZT_TRUST_PROXY, false),
    sms: { webhookUrl: env.ZT_SMS_WEBHOOK_URL || null, token: env.ZT_SMS_WEBHOOK_TOKEN || null },
    region: regionCode(env.ZT_REGION),
    caseReportDeadlineHours: int('ZT_REPORT_DEADLINE_HOURS', env.ZT_REPORT_DEADLINE_HOURS, 2, 1),
    healthCode: {
      lifetimeSeconds: int('ZT_HEALTH_CODE_LIFETIME', env.ZT_HEALTH_CODE_LIFETIME, 300, 30),
      refreshSeconds: int('ZT_HEALTH_CODE_REFRESH', env.ZT_HEALTH_CODE_REFRESH, 60, 10),
      maxProxies: int('ZT_MAX_PROXIES', env.ZT_MAX_PROXIES, 5, 0),
      checkInRetentionDays: int('ZT_CHECK_IN_RETENTION_DAYS', env.ZT_CHECK_IN_RETENTION_DAYS, 28, 1),
      declarationRetentionDays: int('ZT_DECLARATION_RETENTION_DAYS', env.ZT_DECLARATION_RETENTION_DAYS, 28, 1),
    },
    tracing: {
      stayMinutes: int('ZT_TRACING_STAY_MINUTES', env.ZT_TRACING_STAY_MINUTES, 60, 1),
      flightRows: int('ZT_TRACING_FLIGHT_ROWS', env.ZT_TRACING_FLIGHT_ROWS, 3, 0),
      lookbackDays: int('ZT_TRACING_LOOKBACK_DAYS', env.ZT_TRACING_LOOKBACK_DAYS, 4, 0),
    },
    observationDays: {
      close: int('ZT_OBSERVATION_DAYS', env.ZT_OBSERVATION_DAYS, 14, 1),
      secondary: int('ZT_SECONDARY_OBSERVATION_DAYS', env.ZT_SECONDARY_OBSERVATION_DAYS, 7, 1),
    },
    imports: {
      maxBytes: int('ZT_IMPORT_MAX_BYTES', env.ZT_IMPORT_MAX_BYTES, 1024 ** 3, 1024),
      chunkBytes: int('ZT_IMPORT_CHUNK_BYTES', env.ZT_IMPORT_CHUNK_BYTES, 8 * 1024 ** 2, 1024),
      batchRows: int('ZT_IMPORT_BATCH_ROWS', env.ZT_IMPORT_BATCH_ROWS, 40_000, 1),
    },
    publicSnapshotMs: int('ZT_PUBLIC_SNAPSHOT_MS', env.ZT_PUBLIC_SNAPSHOT_MS, 1000, 0),
    waitingRoom: {
      startRate: int('ZT_QUEUE_START_RATE', env.ZT_QUEUE_START_RATE, 200, 5),
      maxRate: int('ZT_QUEUE_MAX_RATE', env.ZT_QUEUE_MAX_RATE, 5_000, 5),
      targetMs: int('ZT_QUEUE_TARGET_MS', env.ZT_QUEUE_TARGET_MS, 250, 1),
      tickMs: 250,
      maxInFlight: int('ZT_RESERVE_MAX_IN_FLIGHT', env.ZT_RESERVE_MAX_IN_FLIGHT, 256, 1),
    },
    ...overrides,
  };
  if (config.healthCode.refreshSeconds >= config.healthCode.lifetimeSeconds)
    throw new ConfigError('ZT_HEALTH_CODE_REFRESH must be shorter than ZT_HEALTH_CODE_LIFETIME');
  // A chunk is buffered whole in a request and a row; past 64 MiB that costs more than it saves.
  if (config.imports.chunkBytes > 64 * 1024 ** 2) throw new ConfigError('ZT_IMPORT_CHUNK_BYTES must be at most 64 MiB');
  return config;
}

function regionCode(raw: string | undefined): string {
  const code = raw || '4201';
  if (!/^(\d{2}|\d{4}|\d{6})$/.test(code))
    throw new ConfigError(`ZT_REGION must be a GB/T 2260 province, city or district code, got "${code}"`);
  return code;
}

function readMasterKey(
  raw: string | undefined,
  env: Config['env'],
  databaseUrl: string | null,
  dataDir: string,
): Buffer {
  if (raw) {
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32) throw new ConfigError('ZT_MASTER_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  // A generated key only makes sense beside the embedded database it protects.
  if (databaseUrl && env === 'production') {
    throw new ConfigError('ZT_MASTER_KEY is required when DATABASE_URL is set in production');
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}

/** A log-safe summary: no secrets, no credentials inside URLs. */
export function summariseConfig(config: Config): Record<string, unknown> {
  const hideAuth = (url: string | null) => (url ? url.replace(/\/\/[^@/]*@/, '//***@') : null);
  return {
    env: config.env,
    port: config.port,
    dataDir: config.dataDir,
    database: config.databaseUrl ? `postgresql ${hideAuth(config.databaseUrl)}` : 'embedded pglite',
    cache: config.redisUrl ? `redis ${hideAuth(config.redisUrl)} (keys ${config.cachePrefix}*)` : 'in-process',
    sms: config.sms.webhookUrl ? `webhook ${new URL(config.sms.webhookUrl).origin}` : 'development inbox',
    demo: config.demo,
    region: config.region,
    healthCode: config.healthCode,
    tracing: config.tracing,
    observationDays: config.observationDays,
    imports: config.imports,
  };
}
