// The zfs-mount-generator's logic: cache files in; unit files and links out through an OutputSink
// port (the real directory in src/zfs/generator.ts, memory in tests); stderr lines and the exit
// status returned.
//
// Invariants:
// - Lines are processed in upstream order (canmount=on lines first, the rest in reverse) and the
//   output directory evolves exactly as upstream's does: a mount unit is never overwritten; a
//   noauto duplicate removes the unit another noauto dataset wrote (links to it stay, as
//   upstream); key-load units are overwritten; a symlink that already exists is an error
//   message, not a failure.
// - Deviations from upstream (documented in docs/recipes/zfs-mount-generator.md): blank lines
//   are skipped with a warning; dependency words that are not unit names are refused (status 1).
import { processingOrder, spaceWords, tokenize, type CacheLine } from './cache-lines.js';
import { simplifyPath, systemdEscape, systemdEscapePath } from './escape.js';
import { mountOptions, renderKeyLoadUnit, renderMountUnit, type KeyLoadUnitSpec, type KeySource, type MountUnitSpec } from './units.js';

export const NAME_MAX = 255;

export interface GeneratorInput {
  /** Cache files (name = file name = pool), contents as byte strings; any order. */
  readonly files: ReadonlyArray<{ name: string; content: string }>;
  readonly importedPools: ReadonlySet<string>;
  /** Names already present in the output directory. */
  readonly existing?: Iterable<string>;
  /** The output directory as given on the command line (only used in messages). */
  readonly destdir: string;
  readonly pid: number;
}

/**
 * The output directory, written as the generator goes (as upstream does, so nothing large is kept
 * in memory). Failures come back as strerror() texts ("File name too long", "File exists").
 */
export interface OutputSink {
  /**
   * Create or truncate NAME (mode 0644) with CONTENT (a byte string). UNIT describes what was
   * rendered, for sinks that build something else from it (the --tsmf bundle).
   */
  writeFile(name: string, content: string, unit: GeneratedUnit): string | null;
  /** Remove NAME; failures are ignored, as upstream does. */
  remove(name: string): void;
  /** mkdir DIR (0755, existing is fine), then symlink DIR/NAME -> TARGET. */
  link(dir: string, name: string, target: string): null | { stage: 'dir' | 'symlink'; error: string };
}

/** What a written unit stands for. */
export type GeneratedUnit =
  | { kind: 'mount'; spec: MountUnitSpec; pool: string; imported: boolean; canmount: 'on' | 'noauto'; noauto: boolean; nofail: string }
  | { kind: 'key'; spec: KeyLoadUnitSpec; pool: string; imported: boolean };

export interface GeneratorResult {
  readonly messages: string[];
  readonly status: 0 | 1;
}

const URI = /^([A-Za-z][A-Za-z0-9+.\\-]*):\/\/(.*)$/s;
const BAD_UNIT_WORD = /[\x00-\x1f\x7f/]|\.\./;

/** A cache column where "-" (or absence) means unset. */
function dash(v: string | undefined): string | null {
  return v === undefined || v === '-' ? null : v;
}

/** Files are visited in byte order of their names (upstream uses readdir order). */
export function sortCacheFiles<T extends { name: string }>(files: ReadonlyArray<T>): T[] {
  return [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function generate(input: GeneratorInput, sink: OutputSink): GeneratorResult {
  const w = new LineWorker(input, sink);
  let status: 0 | 1 = 0;
  for (const line of processingOrder(sortCacheFiles(input.files))) {
    if (w.line(line) !== 0) status = 1;
  }
  return { messages: w.messages, status };
}

/** One generator run: upstream's line_worker() plus the state it shares between lines. */
class LineWorker {
  readonly messages: string[] = [];
  private readonly noautoFiles = new Set<string>();
  /** Top-level names present in the output directory right now. */
  private readonly present: Set<string>;
  private readonly prefix: string;

  constructor(private readonly input: GeneratorInput, private readonly sink: OutputSink) {
    this.present = new Set(input.existing ?? []);
    this.prefix = `zfs-mount-generator[${input.pid}]: `;
  }

  private say(text: string): void {
    this.messages.push(this.prefix + text);
  }

  /** line_worker(): returns 0 or 1. */
  line(line: CacheLine): 0 | 1 {
    const t = tokenize(line.text, 20);
    if (t.length === 0) {
      this.say(`${line.file}:${line.lineNo}: skipping blank line`);
      return 0;
    }
    const dataset = t[0]!;
    if (t.length < 10) {
      this.say(`${dataset}: not enough tokens!`);
      return 1;
    }
    const mountpoint = t[1]!;
    const canmount = t[2]!;
    const encroot = t[10] ?? '-';
    const keyloc = t[11] ?? 'none';
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
        const spec: KeyLoadUnitSpec = { cacheFile: line.file, dataset, wantsBase, afterBase, requires, requiresMountsFor, key };
        const err = this.sink.writeFile(keyUnit, renderKeyLoadUnit(spec), { kind: 'key', spec, pool, imported });
        if (err !== null) {
          this.say(`${dataset}: couldn't open ${keyUnit} under ${this.input.destdir}: ${err}`);
          return 1;
        }
        this.present.add(keyUnit);
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
    const invalid: string[] = [];
    const options = mountOptions(t[3]!, t[4]!, t[5]!, t[6]!, t[7]!, t[8]!, t[9]!, invalid);
    for (let i = 0; i < invalid.length; i++) this.say(`${dataset}: invalid ${invalid[i]}`);

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
    const known = this.noautoFiles.size > 0 && this.noautoFiles.has(mountFile);
    if (this.present.has(mountFile)) {
      if (known) {
        this.sink.remove(mountFile);
        this.present.delete(mountFile);
        this.say(`${dataset}: removing duplicate noauto unit ${mountFile} failed: Success`);
      } else if (canmount === 'on') {
        this.say(`${dataset}: ${mountFile} already exists. Skipping.`);
      }
      return 0;
    }
    if (known) return 0;
    if (canmount === 'noauto') this.noautoFiles.add(mountFile);
    const spec: MountUnitSpec = {
      cacheFile: line.file, dataset, where, options, before, after, requires, requiresMountsFor,
      afterBase, wantsBase, bindsTo, requiredBy, wantedBy, wantedByInBefore,
    };
    const err = this.sink.writeFile(mountFile, renderMountUnit(spec), { kind: 'mount', spec, pool, imported, canmount, noauto, nofail });
    if (err !== null) {
      this.say(`${dataset}: couldn't open ${mountFile} under ${this.input.destdir}: ${err}`);
      return 1;
    }
    this.present.add(mountFile);

    const target = '../' + mountFile;
    const a = wantedBy === null ? 0 : this.links(line, dataset, mountFile, target, wantedBy, 'wants', wantedFrom);
    const b = requiredBy === null ? 0 : this.links(line, dataset, mountFile, target, requiredBy, 'requires', requiredFrom);
    return a | b ? 1 : 0;
  }

  /** The dependency links of one list (upstream: strtok on ' ', mkdirat, symlinkat). */
  private links(line: CacheLine, dataset: string, mountFile: string, target: string, list: string, type: string, from: string): 0 | 1 {
    let status: 0 | 1 = 0;
    for (const word of spaceWords(list)) {
      if (BAD_UNIT_WORD.test(word)) {
        this.say(`${dataset}: ${line.file}:${line.lineNo}: refusing ${from} entry "${printable(word)}": ` +
          `not a unit name (it contains '/', '..' or a control character)`);
        status = 1;
        continue;
      }
      const dir = word + '.' + type;
      const failed = this.sink.link(dir, mountFile, target);
      if (failed === null) continue;
      if (failed.stage === 'dir') this.say(`${dataset}: couldn't open ${dir} under ${this.input.destdir}: ${failed.error}`);
      else this.say(`${dataset}: couldn't symlink at ${mountFile} under ${dir} under ${this.input.destdir}: ${failed.error}`);
    }
    return status;
  }
}

/** Control characters shown as \xNN in messages. */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
