/** Mainland China mobile number: 11 digits starting 13–19. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
export const CODE_PATTERN = /^\d{6}$/;

export function isMainlandMobile(value: string): boolean {
  return MOBILE_PATTERN.test(value.trim());
}
