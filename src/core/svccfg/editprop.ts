// The text `editprop` puts in the editor: the selection's property groups and properties as
// svccfg commands, all commented out (uncomment and change what should change; the file is
// then run as commands on the selection). Pure.
//
// Invariant: every line of the text is a comment or blank, so saving it unchanged changes
// nothing; values containing a newline cannot be put on a comment line and are listed as a
// note instead of a command.
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../model.js';
import { isStringType, quoteValue } from './format.js';

export function editpropText(pgs: readonly PropertyGroup[]): string {
  const lines: string[] = [
    '##',
    '## Change property values by removing the leading "# " from a line and editing it.',
    '## Lines starting with "#" are ignored; the file is run as svccfg commands on the',
    '## current selection when the editor exits. Use "refresh" to make changes effective.',
    '##',
  ];
  for (const pg of pgs) {
    lines.push('', `# Property group "${pg.name}"`, `# delprop ${pg.name}`,
      `# addpg ${pg.name} ${pg.type}${pg.flags & PG_FLAG_NONPERSISTENT ? ' P' : ''}`);
    for (const p of pg.properties) {
      const name = `${pg.name}/${p.name}`;
      if (p.values.some((v) => v.includes('\n'))) {
        lines.push(`## ${name} has a value containing a newline: change it with setprop ${name} = ${p.type}: "..."`);
        continue;
      }
      const show = (v: string) => (isStringType(p.type) ? quoteValue(v) : v);
      const value = p.values.length === 1 ? show(p.values[0]!) : `(${p.values.map(show).join(' ')})`;
      lines.push(`# setprop ${name} = ${p.type}: ${value}`);
    }
  }
  return lines.join('\n') + '\n';
}
