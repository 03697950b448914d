import type { Role } from '@zhengtong/web-core';

export type StaffRole = Exclude<Role, 'resident'>;

/** Roles an account may hold and scopes a token may carry: the contracts' own lists, in their order. */
export { staffRoles, permissions as allPermissions } from '@zhengtong/contracts/permissions';

/** Table columns: `label` is an i18n key. */
export const columns = [
  { prop: 'username', label: 'accounts.fields.username', width: 140 },
  { prop: 'displayName', label: 'accounts.fields.displayName', width: 140 },
  { prop: 'roles', label: 'accounts.fields.roles', minWidth: 200 },
  { prop: 'jurisdiction', label: 'accounts.fields.jurisdiction', minWidth: 180 },
  { prop: 'status', label: 'accounts.fields.status', width: 110 },
  { prop: 'createdAt', label: 'accounts.fields.createdAt', width: 200 },
] as const;

export const USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{2,31}$/;
/** Mirrors the server's rule so mistakes show before submitting; the server still decides. */
export const PASSWORD_PATTERN = /^(?=.*[A-Za-z])(?=.*\d).{10,}$/;

export interface AccountForm {
  username: string;
  displayName: string;
  password: string;
  roles: StaffRole[];
  jurisdictionCode: string;
  disabled: boolean;
}

export const emptyAccount = (): AccountForm => ({
  username: '',
  displayName: '',
  password: '',
  roles: [],
  jurisdictionCode: '',
  disabled: false,
});

/** Returns i18n keys of problems per field; empty when the form may be sent. */
export function validateAccount(form: AccountForm, creating: boolean): Partial<Record<keyof AccountForm, string>> {
  const problems: Partial<Record<keyof AccountForm, string>> = {};
  if (creating && !USERNAME_PATTERN.test(form.username)) problems.username = 'accounts.errors.username';
  if (!form.displayName.trim()) problems.displayName = 'accounts.errors.displayName';
  if (creating && !PASSWORD_PATTERN.test(form.password)) problems.password = 'accounts.errors.password';
  if (form.roles.length === 0) problems.roles = 'accounts.errors.roles';
  if (!form.jurisdictionCode) problems.jurisdictionCode = 'accounts.errors.jurisdiction';
  return problems;
}
