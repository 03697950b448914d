/**
 * How long to wait before asking again when the server said "after `seconds`" (Retry-After, a waiting
 * room's poll interval): never sooner than told, and up to half as long again at random. People told
 * the same thing in the same moment then come back spread out, instead of as one wave that the server
 * sheds again (and again one second later).
 */
export function retryDelayMs(seconds: number, random: () => number = Math.random): number {
  const told = Math.max(1, seconds) * 1000;
  return Math.round(told * (1 + 0.5 * random()));
}
