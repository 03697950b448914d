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
