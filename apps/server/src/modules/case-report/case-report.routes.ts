import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CaseDetail,
  CaseReportInput,
  CaseStatistics,
  CaseStatisticsQuery,
  CaseSummary,
  caseClassifications,
  caseOutcomes,
  caseSources,
  DuplicateSuggestion,
  ExportInput,
  ExportJob,
  literalUnion,
  Page,
  PageQuery,
  SampleInput,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { CaseReportService } from './case-report.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['case-report'];

export const caseReportRoutes: FastifyPluginAsyncTypebox<{ service: CaseReportService }> = async (app, opts) => {
  const { service } = opts;

  app.post(
    '/cases',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: '网络直报: report a case (report first, classify later)',
        body: CaseReportInput,
        response: { 201: CaseDetail },
      },
    },
    async (req, reply) => reply.code(201).send(await service.report(actorOf(req), req.body)),
  );

  app.get(
    '/cases',
    {
      schema: {
        tags,
        summary: 'Cases within the jurisdiction; `view=overdue` lists reports that missed the deadline',
        querystring: Type.Object(
          { view: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('overdue')])), ...PageQuery },
          strict,
        ),
        response: { 200: Page(CaseSummary) },
      },
    },
    async (req) =>
      service.list(actorOf(req), {
        view: req.query.view ?? 'all',
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );

  app.get(
    '/statistics',
    {
      schema: {
        tags,
        summary: 'Daily statistics: new and cumulative cases by classification, district and source (rollups)',
        querystring: CaseStatisticsQuery,
        response: { 200: CaseStatistics },
      },
    },
    async (req) => service.statistics(actorOf(req), req.query),
  );

  app.post(
    '/exports',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Export the cases of the jurisdiction (CSV, XLSX or FHIR R4 NDJSON) as a background job',
        body: ExportInput,
        response: { 202: ExportJob },
      },
    },
    async (req, reply) => reply.code(202).send(await service.startExport(actorOf(req), req.body)),
  );

  app.get(
    '/duplicates',
    {
      schema: {
        tags,
        summary: 'Reports that may be one person (same ID number, or name, birth date, phone, address), with why',
        response: { 200: Type.Object({ items: Type.Array(DuplicateSuggestion) }) },
      },
    },
    async (req) => service.duplicateSuggestions(actorOf(req)),
  );
  app.post(
    '/duplicates/dismissals',
    {
      schema: {
        tags,
        summary: 'Not the same person: the pair is not suggested again',
        body: Type.Object({ a: Type.String({ format: 'uuid' }), b: Type.String({ format: 'uuid' }) }, strict),
      },
    },
    async (req, reply) => {
      await service.dismissDuplicate(actorOf(req), req.body.a, req.body.b);
      return reply.code(204).send();
    },
  );
  app.post(
    '/cases/:id/merge',
    {
      schema: {
        tags,
        summary: 'Merge a duplicate report into this case (audited; can be undone)',
        params: Id,
        body: Type.Object({ duplicateId: Type.String({ format: 'uuid' }) }, strict),
        response: { 200: CaseDetail },
      },
    },
    async (req) => service.merge(actorOf(req), req.params.id, req.body.duplicateId),
  );
  app.post(
    '/cases/:id/unmerge',
    {
      schema: {
        tags,
        summary: 'Undo the merge of this duplicate report',
        params: Id,
        response: { 200: CaseDetail },
      },
    },
    async (req) => service.unmerge(actorOf(req), req.params.id),
  );

  app.get(
    '/cases/:id',
    {
      schema: { tags, summary: 'One case with its classification history', params: Id, response: { 200: CaseDetail } },
    },
    async (req) => service.get(actorOf(req), req.params.id),
  );

  app.post(
    '/cases/:id/classification',
    {
      schema: {
        tags,
        summary: 'Change the classification (lab result, expert decision); kept in the history',
        params: Id,
        body: Type.Object(
          { classification: literalUnion(caseClassifications), reason: Type.String({ minLength: 2, maxLength: 500 }) },
          strict,
        ),
        response: { 200: CaseDetail },
      },
    },
    async (req) => service.classify(actorOf(req), req.params.id, req.body.classification, req.body.reason),
  );

  app.post(
    '/cases/:id/outcome',
    {
      schema: {
        tags,
        summary: 'Close a case: recovered, deceased or excluded',
        params: Id,
        body: Type.Object({ outcome: literalUnion(caseOutcomes) }, strict),
        response: { 200: CaseDetail },
      },
    },
    async (req) => service.close(actorOf(req), req.params.id, req.body.outcome),
  );

  app.put(
    '/cases/:id/source',
    {
      schema: {
        tags,
        summary: 'Where the infection came from (本地, 输入, 不明), as the investigation found it',
        params: Id,
        body: Type.Object(
          { source: literalUnion(caseSources), note: Type.Optional(Type.String({ maxLength: 100 })) },
          strict,
        ),
        response: { 200: CaseDetail },
      },
    },
    async (req) => service.setSource(actorOf(req), req.params.id, req.body.source, req.body.note),
  );

  app.post(
    '/cases/:id/samples',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Record a sample taken from the case',
        params: Id,
        body: SampleInput,
        response: { 201: CaseDetail },
      },
    },
    async (req, reply) => reply.code(201).send(await service.addSample(actorOf(req), req.params.id, req.body)),
  );

  app.post(
    '/cases/:id/samples/:sampleId/result',
    {
      schema: {
        tags,
        summary: 'Record a laboratory result; a positive one confirms an open suspected case',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), sampleId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ result: Type.Union([Type.Literal('positive'), Type.Literal('negative')]) }, strict),
        response: { 200: CaseDetail },
      },
    },
    async (req) => service.recordResult(actorOf(req), req.params.id, req.params.sampleId, req.body.result),
  );
};
