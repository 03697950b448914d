import cookie from '@fastify/cookie';
import { AjvCompiler } from '@fastify/ajv-compiler';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Problem } from '@zhengtong/contracts';
import type { Config } from './config.ts';
import { AuditLog } from './platform/audit/index.ts';
import { createCache, type Cache } from './platform/cache/index.ts';
import { migrate, openDatabase, type Database } from './platform/db/index.ts';
import { clientErrorHandler, installErrorHandling, sendProblem } from './platform/http.ts';
import { AppError } from './platform/errors.ts';
import { installIdempotency } from './platform/idempotency.ts';
import { Jobs } from './platform/jobs/index.ts';
import { EventBus } from './platform/events/index.ts';
import { ExportStore } from './platform/exports/index.ts';
import { exportRoutes } from './platform/exports/routes.ts';
import { loggerOptions } from './platform/logger.ts';
import { devSmsSender, webhookSmsSender, type SmsSender } from './platform/sms/index.ts';
import { Vault } from './platform/vault/index.ts';
import { RetentionLog, retentionRoutes } from './platform/retention/index.ts';
import { createCaseReportModule } from './modules/case-report/index.ts';
import { createCheckInModule } from './modules/check-in/index.ts';
import { createCommunityModule } from './modules/community/index.ts';
import { createReservationModule } from './modules/reservation/index.ts';
import { createSuppliesModule } from './modules/supplies/index.ts';
import { createContactTracingModule } from './modules/contact-tracing/index.ts';
import { createCredentialsModule } from './modules/credentials/index.ts';
import { createDataRightsModule } from './modules/data-rights/index.ts';
import { createHealthCodeModule } from './modules/health-code/index.ts';
import { createIdentityModule } from './modules/identity/index.ts';
import { createRegionsModule } from './modules/regions/index.ts';

export interface BuildOptions {
  /** Keep the embedded database in memory (tests). */
  inMemory?: boolean;
  /** Load only these provinces' reference divisions (tests; the full set takes seconds). */
  regionProvinces?: string[];
  sms?: SmsSender;
  rateLimitMax?: number;
  /** Prefix of every shared-cache key, so apps sharing one Redis (parallel test files) keep apart. */
  cachePrefix?: string;
  /** Run the job workers and schedules in this process (the server does; scripts and most tests don't). */
  startJobs?: boolean;
  /** Lets tests add listeners before the job queues start. */
  beforeStart?: (platform: Platform) => void;
}

export interface Platform {
  database: Database;
  cache: Cache;
  audit: AuditLog;
  vault: Vault;
  jobs: Jobs;
  events: EventBus;
  retention: RetentionLog;
  exports: ExportStore;
  sms: SmsSender;
}

export interface Zhengtong {
  app: FastifyInstance;
  platform: Platform;
  services: {
    regions: ReturnType<typeof createRegionsModule>['service'];
    identity: ReturnType<typeof createIdentityModule>['service'];
    credentials: ReturnType<typeof createCredentialsModule>['service'];
    healthCode: ReturnType<typeof createHealthCodeModule>['service'];
    checkIn: ReturnType<typeof createCheckInModule>['service'];
    caseReport: ReturnType<typeof createCaseReportModule>['service'];
    contactTracing: ReturnType<typeof createContactTracingModule>['service'];
    manifestImports: ReturnType<typeof createContactTracingModule>['imports'];
    chains: ReturnType<typeof createContactTracingModule>['chains'];
    community: ReturnType<typeof createCommunityModule>['service'];
    reservation: ReturnType<typeof createReservationModule>['service'];
    supplies: ReturnType<typeof createSuppliesModule>['service'];
    matching: ReturnType<typeof createSuppliesModule>['matching'];
  };
  close(): Promise<void>;
}

const webApps = [
  { name: 'console', prefix: '/console/' },
  { name: 'resident', prefix: '/m/' },
  { name: 'portal', prefix: '/' },
] as const;

const AJV_OPTIONS = { removeAdditional: false, coerceTypes: 'array', allErrors: true } as const;
const ajvCompilers = AjvCompiler();
/**
 * Query strings, paths and headers are text, so their numbers and lists are coerced from it. A JSON
 * body says its own types and is taken as it is: coerced, a nullable number's null became 0 and its 0
 * became null, and "5" passed for 5.
 */
function validatorsByPart(externalSchemas: Parameters<typeof ajvCompilers>[0], options: { plugins?: unknown[] } = {}) {
  const make = (customOptions: object) =>
    ajvCompilers(externalSchemas, { ...options, customOptions } as Parameters<typeof ajvCompilers>[1]);
  const fromText = make(AJV_OPTIONS);
  const asSent = make({ ...AJV_OPTIONS, coerceTypes: false });
  return (route: Parameters<typeof fromText>[0]) => (route.httpPart === 'body' ? asSent : fromText)(route);
}

/** The composition root: platform services, then each module, then the web apps. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<Zhengtong> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    clientErrorHandler,
    ajv: { customOptions: AJV_OPTIONS },
    schemaController: { compilersFactory: { buildValidator: validatorsByPart } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemory ? null : config.dataDir,
  });
  const cache = createCache(config.redisUrl, options.cachePrefix ?? config.cachePrefix);
  const jobs = new Jobs(database, app.log, { workers: options.startJobs ?? false });
  const events = new EventBus(jobs);
  // Modules' own buffers are written out before the queues and the database go away.
  const beforeClose: (() => Promise<void>)[] = [];
  app.addHook('onClose', async () => {
    for (const close of beforeClose) await close();
    await jobs.stop();
    await database.close();
    await cache.close();
  });
  await migrate(database.db);
  const audit = new AuditLog(database.db);
  const vault = new Vault(config.masterKey, audit);
  const sms =
    options.sms ??
    (config.sms.webhookUrl
      ? webhookSmsSender(config.sms.webhookUrl, config.sms.token)
      : devSmsSender(cache, app.log, config.env));

  installErrorHandling(app);
  app.addSchema(Problem);
  // Every API route documents its errors as problem+json, so the typed client knows their shape.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/') || !route.schema) return;
    const response = (route.schema.response ?? {}) as Record<string, unknown>;
    route.schema.response = { ...response, '4xx': { $ref: 'Problem#' }, '5xx': { $ref: 'Problem#' } };
  });
  await app.register(cookie);
  // An overloaded process refuses new requests at once (503, Retry-After) instead of answering everyone
  // slowly: a surge meets a fast refusal the apps retry, and the requests already admitted finish.
  if (config.maxEventLoopDelayMs > 0)
    await app.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      pressureHandler: async (req) => {
        if (req.url === '/healthz' || req.url === '/readyz') return;
        throw new AppError('unavailable', 'server.busy', { retryAfterSeconds: 5 });
      },
    });
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitMax ?? config.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(cache.redis ? { redis: cache.redis, nameSpace: 'rl:' } : {}),
    // Health probes from load balancers are never limited.
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
    // Signed in, each account has its own budget (the session is resolved before this route-level
    // hook): a mobile carrier's NAT puts thousands of residents behind one address, and keyed by address
    // the first of them used up everyone's budget in a surge. Anyone else is counted by address.
    keyGenerator: (req) => (req.actor ? `${req.actor.kind}:${req.actor.id}` : req.ip),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zhengtong 政通 API',
        version: '0.1.0',
        description: 'Digital government for epidemic prevention and control',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zt_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const regions = createRegionsModule(database.db);
  await regions.service.ensureReferenceData(options.regionProvinces);
  const identity = createIdentityModule({
    db: database.db,
    regions: regions.service,
    vault,
    audit,
    cache,
    sms,
    events,
    options: { sessionTtlSeconds: config.sessionTtlSeconds, lockout: config.lockout },
  });
  const retention = new RetentionLog(database.db);
  const exports = new ExportStore(database.db, jobs, audit);
  const credentials = createCredentialsModule({
    db: database.db,
    vault,
    audit,
    options: {
      region: config.region,
      maxLifetimeSeconds: 7 * 86_400,
      keyValidityDays: 365,
    },
  });
  await credentials.service.ensureSigningKey();
  const healthCode = createHealthCodeModule({
    db: database.db,
    identity: identity.service,
    credentials: credentials.service,
    regions: regions.service,
    vault,
    audit,
    events,
    jobs,
    retention,
    options: {
      region: config.region,
      lifetimeSeconds: config.healthCode.lifetimeSeconds,
      refreshSeconds: config.healthCode.refreshSeconds,
      declarationRetentionDays: config.healthCode.declarationRetentionDays,
      maxProxies: config.healthCode.maxProxies,
    },
  });
  const checkIn = createCheckInModule({
    db: database.db,
    log: app.log,
    healthCode: healthCode.service,
    credentials: credentials.service,
    regions: regions.service,
    retention,
    options: { retentionDays: config.healthCode.checkInRetentionDays },
  });
  beforeClose.push(checkIn.close);
  const caseReport = createCaseReportModule({
    db: database.db,
    identity: identity.service,
    healthCode: healthCode.service,
    regions: regions.service,
    vault,
    audit,
    events,
    jobs,
    exports,
    options: { deadlineMs: config.caseReportDeadlineHours * 3_600_000 },
  });
  const contactTracing = createContactTracingModule({
    db: database.db,
    bulkTransaction: database.bulkTransaction,
    caseReport: caseReport.service,
    checkIn: checkIn.service,
    healthCode: healthCode.service,
    identity: identity.service,
    regions: regions.service,
    vault,
    audit,
    events,
    jobs,
    exports,
    options: config.tracing,
    imports: config.imports,
  });
  const community = createCommunityModule({
    db: database.db,
    identity: identity.service,
    regions: regions.service,
    vault,
    audit,
    events,
    options: { observationDays: config.observationDays, dueHours: 24, missedCheckHour: 20 },
  });
  const supplies = createSuppliesModule({ db: database.db, regions: regions.service, vault, audit });
  const reservation = createReservationModule({
    db: database.db,
    identity: identity.service,
    regions: regions.service,
    credentials: credentials.service,
    healthCode: healthCode.service,
    supplies: supplies.service,
    audit,
    cache,
    jobs,
    readAgeMs: config.publicSnapshotMs,
    waitingRoom: config.waitingRoom,
    masterKey: config.masterKey,
  });
  beforeClose.push(reservation.close);
  const dataRights = createDataRightsModule({
    identity: identity.service,
    healthCode: healthCode.service,
    checkIn: checkIn.service,
    audit,
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('authProblem', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', identity.authenticate);
  installIdempotency(app, cache);

  await app.register(regions.routes, { prefix: regions.prefix, service: regions.service });
  await app.register(identity.routes, {
    prefix: identity.prefix,
    service: identity.service,
    sessionTtlSeconds: config.sessionTtlSeconds,
    secureCookies: config.env === 'production',
    devInbox: sms.name === 'dev',
  });

  await app.register(credentials.routes, { prefix: credentials.prefix, service: credentials.service });
  await app.register(healthCode.routes, {
    prefix: healthCode.prefix,
    service: healthCode.service,
    overrides: healthCode.overrides,
  });
  await app.register(checkIn.routes, { prefix: checkIn.prefix, service: checkIn.service });
  await app.register(caseReport.routes, { prefix: caseReport.prefix, service: caseReport.service });
  await app.register(contactTracing.routes, { prefix: contactTracing.prefix });
  await app.register(community.routes, { prefix: community.prefix, service: community.service });
  const snapshotMs = config.publicSnapshotMs;
  await app.register(reservation.routes, { prefix: reservation.prefix, service: reservation.service, snapshotMs });
  await app.register(supplies.routes, { prefix: supplies.prefix, snapshotMs });
  await app.register(dataRights.routes, { prefix: dataRights.prefix, service: dataRights.service });
  await app.register(retentionRoutes, { prefix: '/api/v1/retention', log: retention });
  await app.register(exportRoutes, { prefix: '/api/v1/exports', store: exports });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    const checks = await Promise.allSettled([database.ping(), cache.ping()]);
    const [db, c] = checks.map((r) => (r.status === 'fulfilled' ? 'ok' : 'down'));
    const ok = db === 'ok' && c === 'ok';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database: db, cache: c });
  });

  for (const job of [
    ...identity.jobs,
    ...healthCode.jobs,
    ...checkIn.jobs,
    ...community.jobs,
    ...reservation.jobs,
    ...supplies.jobs,
  ])
    jobs.define(job);
  jobs.define(retention.purgeJob('platform.purge-exports', '29 * * * *', (now) => exports.purge(now)));
  const platform: Platform = { database, cache, audit, vault, jobs, events, retention, exports, sms };
  options.beforeStart?.(platform);
  await jobs.start();

  await serveWebApps(app, config.webRoot);

  return {
    app,
    platform,
    services: {
      regions: regions.service,
      identity: identity.service,
      credentials: credentials.service,
      healthCode: healthCode.service,
      checkIn: checkIn.service,
      caseReport: caseReport.service,
      contactTracing: contactTracing.service,
      manifestImports: contactTracing.imports,
      chains: contactTracing.chains,
      community: community.service,
      reservation: reservation.service,
      supplies: supplies.service,
      matching: supplies.matching,
    },
    close: () => app.close(),
  };
}

async function serveWebApps(app: FastifyInstance, webRoot: string) {
  const built = webApps.filter((w) => existsSync(join(webRoot, 'apps', w.name, 'dist', 'index.html')));
  for (const [i, w] of built.entries()) {
    await app.register(fastifyStatic, {
      root: join(webRoot, 'apps', w.name, 'dist'),
      prefix: w.prefix,
      decorateReply: i === 0,
      wildcard: false,
      index: 'index.html',
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD'))
      return sendProblem(reply, req, 404, 'request.not_found');
    // Single-page apps: unknown paths under an app answer its index, so deep links work.
    const target = built.find((w) => path.startsWith(w.prefix) || path === w.prefix.slice(0, -1));
    if (!target) return sendProblem(reply, req, 404, 'request.not_found');
    return reply.type('text/html').sendFile('index.html', join(webRoot, 'apps', target.name, 'dist'));
  });
}
