// An in-memory OutputSink: the generator's output directory as a value (for tests, and for the
// --tsmf planner, which needs the units without writing them). Emulates the two failures the
// generator reports: names longer than NAME_MAX and links that already exist.
import { NAME_MAX, type OutputSink } from './plan.js';

export class MemorySink implements OutputSink {
  /** Top-level files: name -> content. */
  readonly files = new Map<string, string>();
  /** Dependency directories -> link name -> target. */
  readonly links = new Map<string, Map<string, string>>();

  writeFile(name: string, content: string): string | null {
    if (name.length > NAME_MAX) return 'File name too long';
    this.files.set(name, content);
    return null;
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  link(dir: string, name: string, target: string): null | { stage: 'dir' | 'symlink'; error: string } {
    if (dir.length > NAME_MAX) return { stage: 'dir', error: 'File name too long' };
    let l = this.links.get(dir);
    if (!l) this.links.set(dir, (l = new Map()));
    if (l.has(name)) return { stage: 'symlink', error: 'File exists' };
    l.set(name, target);
    return null;
  }

  /** The same listing format as src/zfs/tree-listing.ts produces for a real directory. */
  listing(): string {
    const entries: Array<[string, string]> = [];
    for (const [name, content] of this.files) {
      let line = `F ${name} (${content.length} bytes)\n`;
      if (content.length > 0) {
        const body = content.endsWith('\n') ? content.slice(0, -1) : content;
        for (const l of body.split('\n')) line += '  |' + l + '\n';
      }
      entries.push([name, line]);
    }
    for (const [dir, links] of this.links) {
      entries.push([dir, `D ${dir}/\n`]);
      for (const [name, target] of links) entries.push([dir + '/' + name, `L ${dir}/${name} -> ${target}\n`]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return entries.map((e) => e[1]).join('');
  }
}
