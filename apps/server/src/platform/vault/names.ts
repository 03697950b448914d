import { pinyin } from 'pinyin-pro';

/**
 * How a name sounds: toneless pinyin, the first character read as a surname (单 → shan), so homophones
 * and the characters a busy clinician picks by sound (张伟, 章玮) meet. Latin names lower-cased.
 */
export function nameSound(name: string): string {
  const s = name.normalize('NFKC').replace(/[\s·•.・-]/g, '');
  return pinyin(s, { toneType: 'none', surname: 'head', type: 'array', nonZh: 'consecutive' }).join('').toLowerCase();
}

/** An address in a comparable form: full-width folded, no spaces or punctuation, 号 and 室 kept. */
export function addressKey(address: string): string {
  return address
    .normalize('NFKC')
    .replace(/[\s,，.。、·#\-—()（）]/g, '')
    .toLowerCase();
}
