// Value storage: values are checked against their property type and canonicalised
// (core/values.ts) before they are written. Opaque values are stored as
// BLOBs (bytes), every other type as TEXT. Nothing is ever truncated: the only size limit is
// MAX_VALUE_BYTES, and exceeding it is an error.
import { isPropertyType } from '../core/model.js';
import { canonicalValues, MAX_VALUE_BYTES as CORE_MAX_VALUE_BYTES } from '../core/values.js';

/** Largest value accepted (stored bytes): the core's limit, far above the 1 MiB promised. */
export const MAX_VALUE_BYTES = CORE_MAX_VALUE_BYTES;

/**
 * Validates values of `type` and returns them in canonical form (core/values.ts, as libscf's
 * scf_value_set_from_string: booleans t/1 -> true, counts in any base -> decimal, time with 9
 * fraction digits, opaque lower-case), or an error text naming the offending value.
 */
export function canonicalize(type: string, values: readonly string[]): { ok: true; values: string[] } | { ok: false; error: string } {
  if (!isPropertyType(type)) return { ok: false, error: `unknown property type "${type}"` };
  const r = canonicalValues(type, values);
  return r.ok ? r : { ok: false, error: values.length > 1 ? `value ${r.index + 1}: ${r.error}` : r.error };
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
