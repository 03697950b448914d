/** Base64 without Node's Buffer, so the package runs in browsers too. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Inflates a zlib stream (RFC 1950) and checks its Adler-32 trailer, which fflate skips: without it a
 * code with a changed trailer would still pass as the same credential. Throws on a bad stream.
 */
export function inflateChecked(stream: Uint8Array, inflate: (data: Uint8Array) => Uint8Array): Uint8Array {
  const body = inflate(stream);
  const n = stream.length;
  if (n < 6) throw new Error('zlib stream too short');
  const trailer = ((stream[n - 4]! << 24) | (stream[n - 3]! << 16) | (stream[n - 2]! << 8) | stream[n - 1]!) >>> 0;
  if (trailer !== adler32(body)) throw new Error('zlib checksum mismatch');
  return body;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before the 32-bit sums must be reduced.
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
