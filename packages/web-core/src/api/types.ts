import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Success<O> = O extends { responses: infer R }
  ? JsonOf<R[Extract<keyof R, 200 | 201 | 202 | '200' | '201' | '202'>]>
  : never;
/** The JSON body of a successful answer of `method` on `path`. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = Success<paths[P][M]>;

export type Session = ResponseOf<'/api/v1/identity/me', 'get'>;
export type SessionUser = Session['user'];
export type Region = ResponseOf<'/api/v1/regions', 'get'>['items'][number];
export type RegionDetail = ResponseOf<'/api/v1/regions/{code}', 'get'>;
export type RegionLevel = Region['level'];
export type RegionRef = RegionDetail['path'][number];
export type Staff = ResponseOf<'/api/v1/identity/staff', 'get'>['items'][number];
export type ResidentView = ResponseOf<'/api/v1/identity/residents/me', 'get'>;
export type AuditEvent = ResponseOf<'/api/v1/identity/audit-events', 'get'>['items'][number];
export type ApiTokenItem = ResponseOf<'/api/v1/identity/api-tokens', 'get'>['items'][number];
export type Role = SessionUser['roles'][number];
export type Permission = SessionUser['permissions'][number];
export type HealthStatus = ResponseOf<'/api/v1/health-code/status', 'get'>;
export type HealthCode = ResponseOf<'/api/v1/health-code/code', 'get'>;
export type HealthColour = HealthStatus['colour'];
export type HealthExplanation = HealthStatus['explanation'];
export type Declaration = ResponseOf<'/api/v1/health-code/declarations', 'get'>['items'][number];
export type ProxyList = ResponseOf<'/api/v1/health-code/proxies', 'get'>;
export type Appeal = ResponseOf<'/api/v1/health-code/appeals', 'get'>['items'][number];
export type StaffAppeal = ResponseOf<'/api/v1/health-code/appeal-queue', 'get'>['items'][number];
export type Override = ResponseOf<'/api/v1/health-code/overrides', 'get'>['items'][number];
export type HealthRuleSet = ResponseOf<'/api/v1/health-code/rule-sets', 'get'>['items'][number];
export type HealthRuleSetBody = HealthRuleSet['body'];
export type HealthRule = HealthRuleSetBody['rules'][number];
export type RulePreview = ResponseOf<'/api/v1/health-code/rule-sets/preview', 'post'>;
export type CheckIn = ResponseOf<'/api/v1/check-in/check-ins', 'get'>['items'][number];
export type CheckInPass = ResponseOf<'/api/v1/check-in/check-ins', 'post'>;
export type Place = ResponseOf<'/api/v1/check-in/places', 'get'>['items'][number];
export type PublicPlace = ResponseOf<'/api/v1/check-in/place-codes/{code}', 'get'>;
export type ScanAnswer = ResponseOf<'/api/v1/check-in/scans', 'post'>;
export type TrustList = ResponseOf<'/api/v1/trust-list', 'get'>;
export type SigningKeyItem = ResponseOf<'/api/v1/credentials/keys', 'get'>['items'][number];
export type PurgeRun = ResponseOf<'/api/v1/retention/purge-runs', 'get'>['items'][number];
export type DataSummary = ResponseOf<'/api/v1/data-rights/summary', 'get'>;
export type CaseSummary = ResponseOf<'/api/v1/case-report/cases', 'get'>['items'][number];
export type CaseDetail = ResponseOf<'/api/v1/case-report/cases/{id}', 'get'>;
export type ManifestImport = ResponseOf<'/api/v1/contact-tracing/imports/{id}', 'get'>;
