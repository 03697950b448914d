import { placeKinds } from '@zhengtong/contracts';

export { placeKinds };
export type PlaceKind = (typeof placeKinds)[number];

/** What a place poster's QR encodes: a URL any phone camera opens in the resident H5. */
export function placeCodeUrl(origin: string, code: string): string {
  return `${origin}/m/p/${code}`;
}
