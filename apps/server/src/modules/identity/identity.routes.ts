import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import {
  ApiTokenItem,
  AuditEvent,
  IdNumber,
  Page,
  PageQuery,
  PermissionSchema,
  PersonName,
  Phone,
  RegionCode,
  ResidentView,
  RevealedResident,
  Session,
  Staff,
  StaffRoleSchema,
  Username,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import { notFound } from '../../platform/errors.ts';
import type { IdentityService } from './identity.service.ts';

export const SESSION_COOKIE = 'zt_session';

export interface IdentityRouteOptions {
  service: IdentityService;
  sessionTtlSeconds: number;
  secureCookies: boolean;
  devInbox: boolean;
}

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const AuditFilters = {
  actorId: Type.Optional(Type.String({ maxLength: 64 })),
  subjectId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 32 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};

/** Sign-in is limited per address, signed in or not: the budget guards the SMS gateway and passwords. */
const byAddress = (req: { ip: string }) => req.ip;
/**
 * Residents' sign-in per address and minute. Behind a mobile carrier's NAT thousands of people share one
 * address, so it only stops one machine hammering; the real budgets are each number's (a code a minute,
 * SMS_PER_DAY a day, five guesses a code), kept by the service.
 */
export const RESIDENT_SIGN_IN_PER_ADDRESS = 300;

export const identityRoutes: FastifyPluginAsyncTypebox<IdentityRouteOptions> = async (app, opts) => {
  const { service } = opts;
  const cookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: opts.secureCookies,
    maxAge: opts.sessionTtlSeconds,
  };

  app.get(
    '/sms/config',
    {
      schema: {
        tags: ['identity'],
        summary: 'How SMS codes are delivered',
        response: { 200: Type.Object({ devInbox: Type.Boolean() }) },
      },
    },
    async () => ({ devInbox: opts.devInbox }),
  );

  app.post(
    '/sms-codes',
    {
      config: { rateLimit: { max: RESIDENT_SIGN_IN_PER_ADDRESS, timeWindow: '1 minute', keyGenerator: byAddress } },
      schema: {
        tags: ['identity'],
        summary: 'Send a one-time sign-in code by SMS',
        body: Type.Object({ phone: Phone }, strict),
        response: {
          202: Type.Object({
            sentTo: Type.String(),
            expiresInSeconds: Type.Integer(),
            resendAfterSeconds: Type.Integer(),
          }),
        },
      },
    },
    async (req, reply) => reply.code(202).send(await service.requestSmsCode(req.body.phone)),
  );

  app.get(
    '/dev/sms-inbox',
    {
      schema: {
        tags: ['identity'],
        summary: 'Development SMS inbox: codes and notices (only with the development adapter)',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ phone: Type.String(), code: Type.String(), sentAt: Type.String() })),
            notices: Type.Array(
              Type.Object({
                phone: Type.String(),
                template: Type.String(),
                text: Type.String(),
                sentAt: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const inbox = service.smsInbox();
      if (!opts.devInbox || !inbox) throw notFound();
      return { items: await inbox, notices: (await service.smsNotices()) ?? [] };
    },
  );

  app.post(
    '/resident-sessions',
    {
      config: { rateLimit: { max: RESIDENT_SIGN_IN_PER_ADDRESS, timeWindow: '1 minute', keyGenerator: byAddress } },
      schema: {
        tags: ['identity'],
        summary: 'Resident sign-in with phone and SMS code',
        body: Type.Object({ phone: Phone, code: Type.String({ pattern: '^\\s*\\d{6}\\s*$' }) }, strict),
        response: { 200: Session },
      },
    },
    async (req, reply) => {
      const { token, session } = await service.residentSignIn(req.body.phone, req.body.code);
      reply.setCookie(SESSION_COOKIE, token, cookie);
      return session;
    },
  );

  app.post(
    '/staff-sessions',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: byAddress } },
      schema: {
        tags: ['identity'],
        summary: 'Staff sign-in with password and optional TOTP',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            totp: Type.Optional(Type.String({ pattern: '^\\s*\\d{6}\\s*$' })),
          },
          strict,
        ),
        response: { 200: Session },
      },
    },
    async (req, reply) => {
      const { token, session } = await service.staffSignIn(req.body.username, req.body.password, req.body.totp);
      reply.setCookie(SESSION_COOKIE, token, cookie);
      return session;
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['identity'], summary: 'The signed-in user', response: { 200: Session } } },
    async (req) => service.me(actorOf(req), req.csrfToken ?? ''),
  );

  app.delete('/sessions/current', { schema: { tags: ['identity'], summary: 'Sign out' } }, async (req, reply) => {
    actorOf(req);
    const token = req.cookies[SESSION_COOKIE];
    if (token) await service.signOut(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.post(
    '/me/totp',
    {
      schema: {
        tags: ['identity'],
        summary: 'Begin TOTP enrolment',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }) },
      },
    },
    async (req) => service.beginTotp(actorOf(req)),
  );

  app.post(
    '/me/totp/confirm',
    {
      schema: {
        tags: ['identity'],
        summary: 'Confirm TOTP enrolment',
        body: Type.Object({ code: Type.String({ pattern: '^\\s*\\d{6}\\s*$' }) }, strict),
      },
    },
    async (req, reply) => {
      await service.confirmTotp(actorOf(req), req.body.code);
      return reply.code(204).send();
    },
  );

  app.get(
    '/staff',
    {
      schema: {
        tags: ['identity'],
        summary: 'Staff accounts in your jurisdiction',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 40 })), ...PageQuery }, strict),
        response: { 200: Page(Staff) },
      },
    },
    async (req) => service.listStaff(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
  );

  const StaffInput = {
    displayName: Type.String({ minLength: 1, maxLength: 50 }),
    roles: Type.Array(StaffRoleSchema, { minItems: 1, maxItems: 10 }),
    jurisdictionCode: RegionCode,
  };

  app.post(
    '/staff',
    {
      config: { idempotent: true },
      schema: {
        tags: ['identity'],
        summary: 'Create a staff account',
        body: Type.Object(
          { username: Username, password: Type.String({ minLength: 1, maxLength: 256 }), ...StaffInput },
          strict,
        ),
        response: { 201: Staff },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createStaff(actorOf(req), req.body)),
  );

  app.patch(
    '/staff/:id',
    {
      schema: {
        tags: ['identity'],
        summary: 'Change roles, jurisdiction or status of a staff account',
        params: Id,
        body: Type.Object(
          {
            displayName: Type.Optional(StaffInput.displayName),
            roles: Type.Optional(StaffInput.roles),
            jurisdictionCode: Type.Optional(RegionCode),
            disabled: Type.Optional(Type.Boolean()),
          },
          { ...strict, minProperties: 1 },
        ),
        response: { 200: Staff },
      },
    },
    async (req) => service.updateStaff(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api-tokens',
    {
      schema: {
        tags: ['identity'],
        summary: 'API tokens of machine clients',
        response: { 200: Type.Object({ items: Type.Array(ApiTokenItem) }) },
      },
    },
    async (req) => service.listTokens(actorOf(req)),
  );

  app.post(
    '/api-tokens',
    {
      schema: {
        tags: ['identity'],
        summary: 'Issue a scoped API token (shown once)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 80 }),
            scopes: Type.Array(PermissionSchema, { minItems: 1, maxItems: 20 }),
            jurisdictionCode: RegionCode,
          },
          strict,
        ),
        response: { 201: Type.Object({ token: Type.String(), item: ApiTokenItem }) },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createToken(actorOf(req), req.body)),
  );

  app.delete(
    '/api-tokens/:id',
    { schema: { tags: ['identity'], summary: 'Revoke an API token', params: Id } },
    async (req, reply) => {
      await service.revokeToken(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/residents',
    {
      schema: {
        tags: ['identity'],
        summary: 'Residents in your jurisdiction, or find one by ID number (masked)',
        querystring: Type.Object({ idNumber: Type.Optional(IdNumber), ...PageQuery }, strict),
        response: { 200: Page(ResidentView) },
      },
    },
    async (req) => service.listResidents(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.post(
    '/residents',
    {
      config: { idempotent: true },
      schema: {
        tags: ['identity'],
        summary: 'Register a resident',
        body: Type.Object({ name: PersonName, idNumber: IdNumber, phone: Phone, regionCode: RegionCode }, strict),
        response: { 201: ResidentView },
      },
    },
    async (req, reply) => reply.code(201).send(await service.registerResident(actorOf(req), req.body)),
  );

  app.get(
    '/residents/me',
    {
      schema: {
        tags: ['identity'],
        summary: "The signed-in resident's own record (masked)",
        response: { 200: ResidentView },
      },
    },
    async (req) => service.myResident(actorOf(req)),
  );

  app.get(
    '/residents/:id',
    { schema: { tags: ['identity'], summary: 'One resident (masked)', params: Id, response: { 200: ResidentView } } },
    async (req) => service.getResident(actorOf(req), req.params.id),
  );

  app.post(
    '/residents/:id/reveal',
    {
      schema: {
        tags: ['identity'],
        summary: 'Unmasked name, ID number and phone of a resident, for a stated purpose (audited)',
        params: Id,
        body: Type.Object({ purpose: Type.String({ minLength: 4, maxLength: 200, pattern: '\\S' }) }, strict),
        response: { 200: RevealedResident },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.revealResident(actorOf(req), req.params.id, req.body.purpose.trim());
    },
  );

  app.get(
    '/audit-events',
    {
      schema: {
        tags: ['identity'],
        summary: 'Who read or changed which personal record',
        querystring: Type.Object({ ...AuditFilters, ...PageQuery }, strict),
        response: { 200: Page(AuditEvent) },
      },
    },
    async (req) => service.auditEvents(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.get(
    '/audit-events.csv',
    {
      schema: {
        tags: ['identity'],
        summary: 'Audit events as CSV (at most 100,000 rows)',
        querystring: Type.Object(AuditFilters, strict),
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const rows: AuditEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.auditEvents(actor, { ...req.query, limit: 200, cursor });
        rows.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && rows.length < 100_000);
      await service.recordAuditExport(actor);
      const csv = stringify(
        rows.map((r) => [
          r.at,
          r.actor.kind,
          r.actor.id ?? '',
          r.actor.label,
          r.action,
          r.subjectType,
          r.subjectId ?? '',
          r.purpose,
          r.fields.join(' '),
          r.regionCode ?? '',
        ]),
        {
          header: true,
          columns: [
            'at',
            'actor_kind',
            'actor_id',
            'actor',
            'action',
            'subject_type',
            'subject_id',
            'purpose',
            'fields',
            'region_code',
          ],
        },
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-events.csv"')
        .send('\uFEFF' + csv);
    },
  );
};
