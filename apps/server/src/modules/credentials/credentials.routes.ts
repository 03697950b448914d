import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DccKeyList, HcertAnswer, SigningKeyItem, TrustList, VerifyAnswer } from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { CredentialsService } from './credentials.service.ts';

const strict = { additionalProperties: false } as const;
const Keys = Type.Object({ items: Type.Array(SigningKeyItem) });

export const credentialsRoutes: FastifyPluginAsyncTypebox<{ service: CredentialsService }> = async (app, opts) => {
  const { service } = opts;

  app.get(
    '/trust-list',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Keys that sign valid ZT1 credentials (public; verifiers cache it)',
        response: { 200: TrustList },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return service.trustList();
    },
  );

  app.post(
    '/credentials/verify',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['credentials'],
        summary: 'Verify ZT1 QR text (public, for verifiers without the library)',
        body: Type.Object({ text: Type.String({ maxLength: 4096 }) }, strict),
        response: { 200: VerifyAnswer },
      },
    },
    async (req) => {
      const v = await service.verify(req.body.text);
      if (v.result === 'valid') return { result: v.result, claims: v.claims };
      if (v.result === 'malformed') return { result: v.result, stage: v.stage };
      return { result: v.result };
    },
  );

  app.get(
    '/credentials/keys',
    { schema: { tags: ['credentials'], summary: 'Own and imported signing keys', response: { 200: Keys } } },
    async (req) => ({ items: await service.listKeys(actorOf(req)) }),
  );

  app.post(
    '/credentials/keys/rotate',
    {
      config: { idempotent: true },
      schema: {
        tags: ['credentials'],
        summary: 'Make a new signing key and retire the current one',
        response: { 200: Keys },
      },
    },
    async (req) => ({ items: await service.rotate(actorOf(req)) }),
  );

  app.post(
    '/credentials/keys/status',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Retire or revoke a key (own or imported)',
        body: Type.Object(
          {
            kid: Type.String({ minLength: 4, maxLength: 64 }),
            status: Type.Union([Type.Literal('retired'), Type.Literal('revoked')]),
          },
          strict,
        ),
        response: { 200: Keys },
      },
    },
    async (req) => ({ items: await service.setKeyStatus(actorOf(req), req.body.kid, req.body.status) }),
  );

  app.post(
    '/credentials/trust-list-imports',
    {
      schema: {
        tags: ['credentials'],
        summary: "Import another region's trust list (mutual recognition), from its JSON or URL",
        body: Type.Object(
          {
            json: Type.Optional(Type.String({ minLength: 2, maxLength: 512 * 1024, description: 'the list itself' })),
            url: Type.Optional(Type.String({ minLength: 8, maxLength: 2000, description: 'or where to fetch it' })),
          },
          strict,
        ),
        response: { 200: Type.Object({ imported: Type.Integer() }) },
      },
    },
    async (req) => service.importTrustList(actorOf(req), req.body),
  );

  app.get(
    '/credentials/dcc-signer-keys',
    {
      schema: {
        tags: ['credentials'],
        summary:
          "EU DCC signer keys trusted here (public; verifiers cache them to check inbound travellers' HC1 codes)",
        response: { 200: DccKeyList },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return service.dccKeys();
    },
  );

  app.post(
    '/credentials/dcc-signer-keys/imports',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Import EU DCC signer keys',
        body: Type.Object({ json: Type.String({ minLength: 2, maxLength: 1024 * 1024 }) }, strict),
        response: { 200: Type.Object({ imported: Type.Integer() }) },
      },
    },
    async (req) => service.importDccKeys(actorOf(req), req.body.json),
  );

  app.post(
    '/credentials/dcc-signer-keys/remove',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Stop trusting a DCC signer key',
        body: Type.Object({ kid: Type.String({ minLength: 8, maxLength: 24 }) }, strict),
        response: { 200: DccKeyList },
      },
    },
    async (req) => service.removeDccKey(actorOf(req), req.body.kid),
  );

  app.post(
    '/credentials/verify-hcert',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['credentials'],
        summary: 'Verify an EU Digital COVID Certificate (HC1:) against the imported signer keys',
        body: Type.Object({ text: Type.String({ maxLength: 8192 }) }, strict),
        response: { 200: HcertAnswer },
      },
    },
    async (req) => {
      const v = await service.verifyHcert(req.body.text);
      if (v.result !== 'valid') return v;
      const { issuedAt: _iat, expiresAt, ...rest } = v;
      return { ...rest, expiresAt: new Date(expiresAt * 1000).toISOString() };
    },
  );
};
