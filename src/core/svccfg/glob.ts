// Glob filters for the listing verbs (list, listpg, listprop) and delpropvalue: fnmatch(3)
// with flags 0 (core/glob.ts), an absent pattern matching everything. Pure.
import { fnmatch } from '../glob.js';

export function globMatcher(glob: string | undefined): (s: string) => boolean {
  if (glob === undefined) return () => true;
  return (s) => fnmatch(glob, s);
}
