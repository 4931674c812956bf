// A readable, diffable listing of a generator output directory, in the format of the golden cases
// (../shared/testdata/zfs-mount-generator/cases/*/expected/tree.txt):
//   D dir/            a directory
//   L path -> target  a symbolic link
//   F path (N bytes)  a regular file, followed by its lines, each prefixed with "  |"
// Entries are sorted by path, byte order. Names and contents are shown as raw bytes.
import fs from 'node:fs';
import path from 'node:path';

export function listTree(root: string): string {
  const entries: Array<{ rel: string; line: string }> = [];
  const walk = (dirBuf: Buffer, relPrefix: string): void => {
    for (const e of fs.readdirSync(dirBuf, { withFileTypes: true, encoding: 'buffer' })) {
      const name = e.name.toString('latin1');
      const rel = relPrefix + name;
      const full = Buffer.concat([dirBuf, Buffer.from('/'), e.name]);
      if (e.isSymbolicLink()) {
        entries.push({ rel, line: `L ${rel} -> ${fs.readlinkSync(full, { encoding: 'buffer' }).toString('latin1')}\n` });
      } else if (e.isDirectory()) {
        entries.push({ rel, line: `D ${rel}/\n` });
        walk(full, rel + '/');
      } else {
        const content = fs.readFileSync(full).toString('latin1');
        let line = `F ${rel} (${content.length} bytes)\n`;
        if (content.length > 0) {
          const body = content.endsWith('\n') ? content.slice(0, -1) : content;
          for (const l of body.split('\n')) line += '  |' + l + '\n';
        }
        entries.push({ rel, line });
      }
    }
  };
  walk(Buffer.from(path.resolve(root)), '');
  entries.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return entries.map((e) => e.line).join('');
}
