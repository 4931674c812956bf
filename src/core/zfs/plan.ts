// The zfs-mount-generator as a pure function: cache files in, the final output tree, stderr lines
// and exit status out. The I/O entry (src/zfs/generator.ts) writes the tree.
//
// Invariants:
// - Lines are processed in upstream order (canmount=on lines first, the rest in reverse), and the
//   output directory is modelled as upstream sees it while it works: a mount unit is never
//   overwritten; a noauto duplicate removes the unit another noauto dataset wrote; key-load units
//   are overwritten; a symlink that already exists is an error message, not a failure.
// - Deviations from upstream (documented in docs/recipes/zfs-mount-generator.md): blank lines
//   are skipped with a warning; dependency words that are not unit names are refused (status 1).
import { processingOrder, spaceWords, tokenize, type CacheLine } from './cache-lines.js';
import { simplifyPath, systemdEscape, systemdEscapePath } from './escape.js';
import { mountOptions, renderKeyLoadUnit, renderMountUnit, type KeySource } from './units.js';

export const NAME_MAX = 255;

export interface GeneratorInput {
  /** Cache files (name = file name = pool), contents as byte strings; any order. */
  readonly files: ReadonlyArray<{ name: string; content: string }>;
  readonly importedPools: ReadonlySet<string>;
  /** Names already present in the output directory. */
  readonly existing?: ReadonlySet<string>;
  /** The output directory as given on the command line (only used in messages). */
  readonly destdir: string;
  readonly pid: number;
}

export interface OutputTree {
  /** Top-level regular files: name -> content (byte string). */
  readonly files: Map<string, string>;
  /** Dependency directories ("x.target.wants") -> link name -> link target. */
  readonly links: Map<string, Map<string, string>>;
  /** Pre-existing top-level names that the generator removed. */
  readonly removed: string[];
}

export interface GeneratorResult {
  readonly tree: OutputTree;
  readonly messages: string[];
  readonly status: 0 | 1;
}

const URI = /^([A-Za-z][A-Za-z0-9+.\\-]*):\/\/(.*)$/s;
// eslint-disable-next-line no-control-regex
const BAD_UNIT_WORD = /[\x00-\x1f\x7f/]|\.\./;

/** Files are visited in byte order of their names (upstream uses readdir order). */
export function sortCacheFiles<T extends { name: string }>(files: ReadonlyArray<T>): T[] {
  return [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function generate(input: GeneratorInput): GeneratorResult {
  const w = new Worker(input);
  let status: 0 | 1 = 0;
  for (const line of processingOrder(sortCacheFiles(input.files))) {
    if (w.line(line) !== 0) status = 1;
  }
  return { tree: w.tree, messages: w.messages, status };
}

class Worker {
  readonly tree: OutputTree = { files: new Map(), links: new Map(), removed: [] };
  readonly messages: string[] = [];
  private readonly noautoFiles = new Set<string>();
  private readonly existing: Set<string>;
  private readonly prefix: string;

  constructor(private readonly input: GeneratorInput) {
    this.existing = new Set(input.existing ?? []);
    this.prefix = `zfs-mount-generator[${input.pid}]: `;
  }

  private say(text: string): void {
    this.messages.push(this.prefix + text);
  }

  private exists(name: string): boolean {
    return this.tree.files.has(name) || this.existing.has(name);
  }

  /** line_worker(): returns 0 or 1. */
  line(line: CacheLine): 0 | 1 {
    const t = tokenize(line.text);
    if (t.length === 0) {
      this.say(`${line.file}:${line.lineNo}: skipping blank line`);
      return 0;
    }
    const dataset = t[0]!;
    if (t.length < 10) {
      this.say(`${dataset}: not enough tokens!`);
      return 1;
    }
    const [, mountpoint, canmount, atime, relatime, devices, exec, readonly, setuid, nbmand] = t as string[];
    const encroot = t[10] ?? '-';
    const keyloc = t[11] ?? 'none';
    const dash = (v: string | undefined): string | null => (v === undefined || v === '-' ? null : v);
    const requires = dash(t[12]);
    const requiresMountsFor = dash(t[13]);
    const before = dash(t[14]);
    const after = dash(t[15]);
    const wantedByProp = t[16] ?? '-';
    const requiredByProp = t[17] ?? '-';
    const nofail = t[18] ?? '-';
    const ignore = t[19] ?? '-';

    const slash = dataset.indexOf('/');
    const pool = slash < 0 ? dataset : dataset.slice(0, slash);
    const imported = this.input.importedPools.has(pool);
    let afterBase = imported ? '' : 'zfs-import.target';
    const wantsBase = afterBase;
    let bindsTo: string | null = null;

    if (encroot !== '-') {
      const keyUnit = systemdEscape(encroot, 'zfs-load-key@', '.service');
      if (dataset === encroot) {
        let key: KeySource;
        const m = URI.exec(keyloc);
        if (m) key = m[1] === 'https' || m[1] === 'http' ? { kind: 'network' } : { kind: 'file', path: m[2]! };
        else {
          if (keyloc !== 'prompt') this.say(`${dataset}: unknown non-URI keylocation=${keyloc}`);
          key = { kind: 'prompt' };
        }
        if (keyUnit.length > NAME_MAX) {
          this.say(`${dataset}: couldn't open ${keyUnit} under ${this.input.destdir}: File name too long`);
          return 1;
        }
        this.tree.files.set(keyUnit, renderKeyLoadUnit({
          cacheFile: line.file, dataset, wantsBase, afterBase, requires, requiresMountsFor, key,
        }));
      }
      bindsTo = keyUnit;
      afterBase = afterBase === '' ? keyUnit : afterBase + ' ' + keyUnit;
    }

    if (ignore === 'on') return 0;
    if (ignore !== '-' && ignore !== 'off') {
      this.say(`${dataset}: invalid org.openzfs.systemd:ignore=${ignore}`);
      return 1;
    }
    let noauto = false;
    if (canmount === 'noauto') noauto = true;
    else if (canmount === 'off') return 0;
    else if (canmount !== 'on') {
      this.say(`${dataset}: invalid canmount=${canmount}`);
      return 1;
    }
    if (mountpoint === 'legacy' || mountpoint === 'none') return 0;
    if (mountpoint.charCodeAt(0) !== 0x2f) {
      this.say(`${dataset}: invalid mountpoint=${mountpoint}`);
      return 1;
    }
    const where = simplifyPath(mountpoint);
    const mountFile = systemdEscapePath(where, '', '.mount');
    if (mountFile === null) {
      this.say(`${dataset}: abnormal simplified mountpoint: ${where}`);
      return 1;
    }
    const opts = mountOptions({ atime, relatime, devices, exec, readonly, setuid, nbmand });
    for (const bad of opts.invalid) this.say(`${dataset}: invalid ${bad}`);

    let wantedBy: string | null = null;
    let requiredBy: string | null = null;
    let wantedByInBefore = true;
    let wantedFrom = 'org.openzfs.systemd:wanted-by';
    let requiredFrom = 'org.openzfs.systemd:required-by';
    if (wantedByProp !== '-') {
      noauto = true;
      if (wantedByProp !== 'none') wantedBy = wantedByProp;
    }
    if (requiredByProp !== '-') {
      noauto = true;
      if (requiredByProp !== 'none') requiredBy = requiredByProp;
    }
    if (!noauto) {
      if (nofail === 'off') {
        requiredBy = 'local-fs.target';
        requiredFrom = 'org.openzfs.systemd:nofail';
      } else {
        wantedBy = 'local-fs.target';
        wantedFrom = 'org.openzfs.systemd:nofail';
        wantedByInBefore = nofail !== 'on';
      }
    }

    // Existing files: canmount=on units were all written before any other line ran.
    const known = this.noautoFiles.has(mountFile);
    if (mountFile.length <= NAME_MAX && this.exists(mountFile)) {
      if (known) {
        this.unlink(mountFile);
        this.say(`${dataset}: removing duplicate noauto unit ${mountFile} failed: Success`);
      } else if (canmount === 'on') {
        this.say(`${dataset}: ${mountFile} already exists. Skipping.`);
      }
      return 0;
    }
    if (known) return 0;
    if (canmount === 'noauto') this.noautoFiles.add(mountFile);
    if (mountFile.length > NAME_MAX) {
      this.say(`${dataset}: couldn't open ${mountFile} under ${this.input.destdir}: File name too long`);
      return 1;
    }
    this.tree.files.set(mountFile, renderMountUnit({
      cacheFile: line.file, dataset, where, options: opts.options, before, after, requires, requiresMountsFor,
      afterBase, wantsBase, bindsTo, requiredBy, wantedBy, wantedByInBefore,
    }));

    let status: 0 | 1 = 0;
    const target = '../' + mountFile;
    const deps: Array<[string, string | null, string]> = [['wants', wantedBy, wantedFrom], ['requires', requiredBy, requiredFrom]];
    for (const [type, list, from] of deps) {
      if (list === null) continue;
      for (const word of spaceWords(list)) {
        if (BAD_UNIT_WORD.test(word)) {
          this.say(`${dataset}: ${line.file}:${line.lineNo}: refusing ${from} entry "${printable(word)}": ` +
            `not a unit name (it contains '/', '..' or a control character)`);
          status = 1;
          continue;
        }
        const dir = word + '.' + type;
        if (dir.length > NAME_MAX) {
          this.say(`${dataset}: couldn't open ${dir} under ${this.input.destdir}: File name too long`);
          continue;
        }
        let links = this.tree.links.get(dir);
        if (!links) this.tree.links.set(dir, (links = new Map()));
        if (links.has(mountFile)) {
          this.say(`${dataset}: couldn't symlink at ${mountFile} under ${dir} under ${this.input.destdir}: File exists`);
        } else links.set(mountFile, target);
      }
    }
    return status;
  }

  private unlink(name: string): void {
    if (this.tree.files.delete(name)) return;
    if (this.existing.delete(name)) this.tree.removed.push(name);
  }
}

/** Control characters shown as \xNN in messages. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
