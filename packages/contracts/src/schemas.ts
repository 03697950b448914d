import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { permissions, roles, staffRoles } from './permissions.ts';

/**
 * A string enum that keeps its literal type (TypeBox's Union of Literals loses it when built from an
 * array); a real Union at run time, so `Value.Check` validates it too.
 */
export const literalUnion = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const RegionLevel = literalUnion(['province', 'city', 'district', 'street', 'community', 'grid'] as const);
export type RegionLevel = Static<typeof RegionLevel>;
/** GB/T 2260 code (2/4/6 digits), street (9), community (12) or grid (15). */
export const RegionCode = Type.String({ pattern: '^(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12}|\\d{15})$' });
export const RegionRef = Type.Object({ code: Type.String(), name: Type.String(), level: RegionLevel });
export type RegionRef = Static<typeof RegionRef>;
export const Region = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: RegionLevel,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  hasChildren: Type.Boolean(),
});
export type Region = Static<typeof Region>;
export const RegionDetail = Type.Intersect([Region, Type.Object({ path: Type.Array(RegionRef) })]);

export const RoleSchema = literalUnion(roles);
export const StaffRoleSchema = literalUnion(staffRoles);
export const PermissionSchema = literalUnion(permissions);

export const Phone = Type.String({ minLength: 1, maxLength: 20, description: 'mainland mobile number' });
export const IdNumber = Type.String({ minLength: 1, maxLength: 30, description: 'GB 11643 citizen ID number' });
/** No control characters: a name is shown, printed and exported as it is stored. */
export const PersonName = Type.String({ minLength: 1, maxLength: 50, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
export const Username = Type.String({ pattern: '^[a-z][a-z0-9_.-]{2,31}$' });
export const Uuid = Type.String({ format: 'uuid' });

export const SessionUser = Type.Object({
  id: Type.String(),
  kind: literalUnion(['resident', 'staff'] as const),
  displayName: Type.String(),
  username: Type.Optional(Type.String()),
  roles: Type.Array(RoleSchema),
  permissions: Type.Array(PermissionSchema),
  jurisdiction: Type.Union([RegionRef, Type.Null()]),
  totpEnabled: Type.Boolean(),
});
export const Session = Type.Object({ user: SessionUser, csrfToken: Type.String() });
export type Session = Static<typeof Session>;

export const Staff = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(StaffRoleSchema),
  jurisdiction: RegionRef,
  disabled: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Staff = Static<typeof Staff>;

export const ResidentView = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'masked' }),
  idNumber: Type.String({ description: 'masked' }),
  phone: Type.String({ description: 'masked' }),
  gender: literalUnion(['male', 'female'] as const),
  birthYear: Type.Integer({ description: 'year only: the full birth date is personal data' }),
  region: RegionRef,
  synthetic: Type.Boolean(),
});
export type ResidentView = Static<typeof ResidentView>;

export const AuditEvent = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({ id: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), label: Type.String() }),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.String(),
  fields: Type.Array(Type.String()),
  regionCode: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEvent = Static<typeof AuditEvent>;

export const ApiTokenItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(PermissionSchema),
  jurisdiction: RegionRef,
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ApiTokenItem = Static<typeof ApiTokenItem>;

/** Unmasked personal fields, answered only for a stated purpose and audited. */
export const RevealedResident = Type.Object({ name: Type.String(), idNumber: Type.String(), phone: Type.String() });

/** Purposes the platform itself records; people state their own purposes as free text. */
export const auditPurposes = [
  'account-administration',
  'machine-access',
  'registration',
  'list',
  'lookup-by-id-number',
  'view',
  'own-record',
  'audit-export',
  'reservation',
  'notification',
  'supply-match',
] as const;
export type AuditPurpose = (typeof auditPurposes)[number];

/** A file made by a background job (an export), with its progress. */
export const ExportJob = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  format: Type.String(),
  status: literalUnion(['queued', 'running', 'done', 'failed'] as const),
  rowsTotal: Type.Union([Type.Integer(), Type.Null()]),
  rowsDone: Type.Integer(),
  bytes: Type.Integer(),
  purpose: Type.String(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ExportJob = Static<typeof ExportJob>;

export const ExportInput = Type.Object(
  {
    format: literalUnion(['csv', 'xlsx', 'fhir'] as const),
    purpose: Type.String({ minLength: 4, maxLength: 200, description: 'why the data leaves the platform (audited)' }),
  },
  { additionalProperties: false },
);
