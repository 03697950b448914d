export * from './errors.ts';
export * from './permissions.ts';
export * from './schemas.ts';
export * from './health-code.ts';
export * from './health-rules.ts';
export * from './cases.ts';
export * from './tracing.ts';
export * from './community.ts';
