// Value storage: values arrive in the model's canonical string form (core/model.ts) and are
// checked against their property type before they are written. Opaque values are stored as
// BLOBs (bytes), every other type as TEXT. Nothing is ever truncated: the only size limit is
// MAX_VALUE_BYTES, and exceeding it is an error.
import { isPropertyType, type PropertyType } from '../core/model.js';

/** Largest value accepted (stored bytes). Comfortably above the 1 MiB the repository promises. */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

const COUNT_MAX = (1n << 64n) - 1n;
const INT_MIN = -(1n << 63n);
const INT_MAX = (1n << 63n) - 1n;

/** Returns an error text, or undefined when `v` is a canonical value of `type`. */
export function checkValue(type: PropertyType, v: string): string | undefined {
  switch (type) {
    case 'boolean':
      return v === 'true' || v === 'false' ? undefined : `"${v}" is not a boolean (true or false)`;
    case 'count':
      if (!/^(0|[1-9][0-9]*)$/.test(v) || BigInt(v) > COUNT_MAX) return `"${v}" is not a count (0..2^64-1, decimal)`;
      return undefined;
    case 'integer': {
      if (!/^(0|-?[1-9][0-9]*)$/.test(v)) return `"${v}" is not an integer (decimal)`;
      const n = BigInt(v);
      return n < INT_MIN || n > INT_MAX ? `"${v}" is out of the 64-bit integer range` : undefined;
    }
    case 'time':
      return /^[0-9]+(\.[0-9]{1,9})?$/.test(v) ? undefined : `"${v}" is not a time (SECONDS[.NANOS])`;
    case 'opaque':
      if (v.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v)) return 'opaque value is not a hex string with 2 digits per byte';
      return v.length / 2 > MAX_VALUE_BYTES ? `opaque value of ${v.length / 2} bytes exceeds ${MAX_VALUE_BYTES}` : undefined;
    case 'astring':
      if (/[\x80-\uffff]/.test(v)) return 'astring values must be ASCII (use ustring)';
      return lengthError(v);
    default:
      if (v.includes('\0')) return 'values may not contain NUL characters';
      return lengthError(v);
  }
}

function lengthError(v: string): string | undefined {
  return v.length > MAX_VALUE_BYTES || Buffer.byteLength(v) > MAX_VALUE_BYTES
    ? `value exceeds ${MAX_VALUE_BYTES} bytes` : undefined;
}

export function checkValues(type: string, values: readonly string[]): string | undefined {
  if (!isPropertyType(type)) return `unknown property type "${type}"`;
  for (const v of values) {
    const err = checkValue(type, v);
    if (err) return err;
  }
  return undefined;
}

/** Storage form of a (checked) value. */
export function encodeValue(type: string, v: string): string | Buffer {
  return type === 'opaque' ? Buffer.from(v, 'hex') : v;
}

/** Canonical string form of a stored value. */
export function decodeValue(type: string, stored: unknown): string {
  if (type === 'opaque') {
    if (Buffer.isBuffer(stored)) return stored.toString('hex');
    if (stored instanceof Uint8Array) return Buffer.from(stored).toString('hex');
    throw new Error(`repository invariant broken: opaque value stored as ${typeof stored}`);
  }
  if (typeof stored === 'string') return stored;
  if (typeof stored === 'number' || typeof stored === 'bigint') return String(stored);
  if (Buffer.isBuffer(stored)) return stored.toString('utf8');
  throw new Error(`repository invariant broken: ${type} value stored as ${typeof stored}`);
}
