// fnmatch(3)-style glob matching without FNM_PATHNAME/FNM_PERIOD: `*` and `?` cross `/`, as
// libscf's scf_walk_fmri uses it for operands such as `*pool*` or `svc:/site/*:default`.
//
// Supported: `*` (any run, possibly empty), `?` (one character), bracket expressions
// `[abc]`, `[a-z]`, negation `[!x]` / `[^x]`, and `\` escaping the next character. An
// unterminated `[` matches a literal `[` (as fnmatch does). Pure; no regex compilation of
// user input (so no ReDoS): an iterative matcher with single-star backtracking.

/** True when `s` contains a glob metacharacter (`*`, `?` or `[`). */
export function hasGlobChars(s: string): boolean {
  return /[*?[]/.test(s);
}

/** Try to match a bracket expression at pattern[pi] ('['); returns [matched, nextIndex] or null if unterminated. */
function matchBracket(pattern: string, pi: number, ch: string): [boolean, number] | null {
  let i = pi + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') { negate = true; i++; }
  let matched = false;
  let first = true;
  while (i < pattern.length) {
    let c = pattern[i];
    if (c === ']' && !first) return [matched !== negate, i + 1];
    first = false;
    if (c === '\\' && i + 1 < pattern.length) { i++; c = pattern[i]; }
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let hi = pattern[i + 2];
      let skip = 3;
      if (hi === '\\' && i + 3 < pattern.length) { hi = pattern[i + 3]; skip = 4; }
      if (c <= ch && ch <= hi) matched = true;
      i += skip;
    } else {
      if (c === ch) matched = true;
      i++;
    }
  }
  return null;
}

/** fnmatch(pattern, s) with flags 0. */
export function fnmatch(pattern: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = 0;
  while (si < s.length) {
    const pc = pattern[pi];
    if (pc === '*') {
      starPi = pi++;
      starSi = si;
      continue;
    }
    if (pi < pattern.length) {
      if (pc === '?') { pi++; si++; continue; }
      if (pc === '[') {
        const r = matchBracket(pattern, pi, s[si]);
        if (r === null) {
          if (s[si] === '[') { pi++; si++; continue; }
        } else if (r[0]) {
          pi = r[1]; si++; continue;
        }
      } else if (pc === '\\' && pi + 1 < pattern.length) {
        if (pattern[pi + 1] === s[si]) { pi += 2; si++; continue; }
      } else if (pc === s[si]) {
        pi++; si++; continue;
      }
    }
    if (starPi < 0) return false;
    pi = starPi + 1;
    si = ++starSi;
  }
  while (pattern[pi] === '*') pi++;
  return pi === pattern.length;
}
