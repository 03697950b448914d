import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Page, PageQuery, Region, RegionCode, RegionDetail, RegionLevel } from '@zhengtong/contracts';
import type { RegionsService } from './regions.service.ts';

export const regionsRoutes: FastifyPluginAsyncTypebox<{ service: RegionsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        tags: ['regions'],
        summary: 'Browse or search regions (public)',
        querystring: Type.Object(
          {
            parent: Type.Optional(RegionCode),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            level: Type.Optional(RegionLevel),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(Region) },
      },
    },
    async (req) => service.list({ ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.get(
    '/:code',
    {
      schema: {
        tags: ['regions'],
        summary: 'One region with its path',
        params: Type.Object({ code: RegionCode }),
        response: { 200: RegionDetail },
      },
    },
    async (req) => service.get(req.params.code),
  );
};
