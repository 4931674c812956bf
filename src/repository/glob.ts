// fnmatch(3)-style glob (`*`, `?`, `[...]`, `[!...]`, backslash escapes) compiled to a RegExp,
// used by delpropvalue. Whole-string match; `/` is not special.

export function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < glob.length) re += escape(glob[++i]!);
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => '\\' + m)}]`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(re + '$');
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, (m) => '\\' + m);
}
