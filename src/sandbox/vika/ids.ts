/**
 * Node, field, view, record and option ids in the vendor's shapes (prefix + base62): `spc`+10, `fod`+10, `dst`+15,
 * `viw`+10, `fld`+10, `rec`+10, `opt`+10, forms `fom`+15, dashboards `dsb`+15. They come from a seeded generator
 * (xorshift32), so the seeded demo gets the same ids on every start; ids made later continue the same sequence.
 * Member (unit) ids are 19 decimal digits, user uuids 32 hex digits, as in the reference's examples.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type IdKind = 'spc' | 'fod' | 'dst' | 'viw' | 'fld' | 'rec' | 'opt' | 'fom' | 'dsb';

const LENGTH: Record<IdKind, number> = { spc: 10, fod: 10, dst: 15, viw: 10, fld: 10, rec: 10, opt: 10, fom: 15, dsb: 15 };

export class IdGenerator {
  private x: number;
  private readonly used = new Set<string>();

  constructor(seed = 0x7669_6b61) {
    this.x = seed >>> 0 || 1;
  }

  /** Next 32-bit pseudo-random number. */
  next(): number {
    let x = this.x;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.x = x;
    return x;
  }

  id(kind: IdKind): string {
    for (;;) {
      let s: string = kind;
      for (let i = 0; i < LENGTH[kind]; i++) s += ALPHABET[this.next() % 62];
      if (!this.used.has(s)) {
        this.used.add(s);
        return s;
      }
    }
  }

  digits(n: number): string {
    let s = String(1 + (this.next() % 9));
    while (s.length < n) s += String(this.next() % 10);
    return s;
  }

  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.next().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

/** Record id of row `i` of a generated datasheet: deterministic without drawing from a shared generator. */
export function generatedRecordId(seed: number, i: number): string {
  let x = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0 || 1;
  let s = 'rec';
  for (let k = 0; k < 10; k++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    s += ALPHABET[x % 62];
  }
  return s;
}
