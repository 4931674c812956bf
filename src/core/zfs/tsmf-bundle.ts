// `zfs-mount-generator --tsmf`: the same decisions as the systemd output (which datasets get a
// mount, duplicates, noauto, ignore, key-load units), expressed as one service_bundle for tsmf.
//
// One service per mounted dataset (system/filesystem/zfs/mount/<dataset>, instance default) and
// per encryption root (system/filesystem/zfs/load-key/<encroot>). Ordering follows the units:
//   pool import (FMRI per pool)  require_all/restart (optional_all when the pool was already
//                                imported: upstream then drops the zfs-import.target edge)
//   key-load (BindsTo+After)     require_all/restart
//   parent mount (systemd's implicit Requires+After on the mount above Where=)  require_all/restart
//   requires-mounts-for PATHS    require_all/restart on the mounts holding each path
//   requires / after UNITS       require_all/restart / optional_all/none
//   before / wanted-by           dependent optional_all/none;  required-by: dependent require_all/restart
//   local-fs.target (canmount=on, not noauto): dependent on svc:/system/filesystem/local,
//                                require_all with nofail=off, else optional_all
// systemd unit words map to FMRIs when given as svc:/ FMRIs or in UNIT_FMRIS; others are
// reported (warnings) and kept in the zfs/unmapped_units property.
// Methods pass the dataset through %{zfs/dataset}, which svc.startd shell-escapes.
import type { Dependency, Dependent, ExecMethod, Instance, PropertyGroupEl, Service, ServiceBundle } from '../manifest/bundle.js';
import { writeBundle } from '../manifest/write.js';
import { generate, type GeneratedUnit, type GeneratorInput, type OutputSink } from './plan.js';
import { spaceWords } from './cache-lines.js';
import type { KeyLoadUnitSpec, MountUnitSpec } from './units.js';

export const DEFAULT_IMPORT_FMRI = 'svc:/system/zfs/pool:%p';
export const LOCAL_FS_FMRI = 'svc:/system/filesystem/local';
export const MOUNT_SERVICE_PREFIX = 'system/filesystem/zfs/mount/';
export const KEY_SERVICE_PREFIX = 'system/filesystem/zfs/load-key/';

/** systemd unit names with an SMF counterpart. */
export const UNIT_FMRIS: Readonly<Record<string, string>> = {
  'local-fs.target': LOCAL_FS_FMRI,
  'network.target': 'svc:/milestone/network',
  'network-online.target': 'svc:/milestone/network',
  'multi-user.target': 'svc:/milestone/multi-user',
  'multi-user-server.target': 'svc:/milestone/multi-user-server',
};

export interface TsmfBundleOptions {
  /** Import service FMRI for a pool; `%p` in the default template is replaced by the pool name. */
  importFmri: (pool: string) => string;
  zfsBin?: string;
}

export type TsmfBundleResult =
  | { ok: true; xml: string; warnings: string[]; messages: string[]; status: 0 | 1; services: number }
  | { ok: false; error: string; messages: string[] };

interface MountRec { unit: Extract<GeneratedUnit, { kind: 'mount' }>; wants: string[]; requires: string[] }
interface KeyRec { unit: Extract<GeneratedUnit, { kind: 'key' }> }

/** Collects what the generator decided, instead of writing files. */
class BundleSink implements OutputSink {
  readonly mounts = new Map<string, MountRec>();
  readonly keys = new Map<string, KeyRec>();
  writeFile(name: string, _content: string, unit: GeneratedUnit): string | null {
    if (unit.kind === 'mount') this.mounts.set(name, { unit, wants: [], requires: [] });
    else this.keys.set(name, { unit });
    return null;
  }
  remove(name: string): void { this.mounts.delete(name); }
  link(dir: string, name: string): null | { stage: 'dir' | 'symlink'; error: string } {
    const m = this.mounts.get(name);
    const dot = dir.lastIndexOf('.');
    const list = m && (dir.slice(dot + 1) === 'wants' ? m.wants : m.requires);
    if (list && !list.includes(dir.slice(0, dot))) list.push(dir.slice(0, dot));
    return null;
  }
}

/** Byte string (as read from the cache) -> text. */
const text = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

const FMRI = /^svc:\/[A-Za-z][A-Za-z0-9_,.-]*(\/[A-Za-z][A-Za-z0-9_,.-]*)*(:[A-Za-z][A-Za-z0-9_-]*)?$/;

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** A valid SMF service name for a dataset, unique within `used`. */
function serviceName(prefix: string, dataset: string, used: Set<string>): string {
  const comps = dataset.split('/').map((c) => {
    const s = c.replace(/[^A-Za-z0-9_-]/g, '_');
    return /^[A-Za-z]/.test(s) ? s : 'z' + s;
  });
  let name = prefix + comps.join('/');
  if (name.length > 119) name = name.slice(0, 110).replace(/\/+$/, '') + '-' + fnv(dataset);
  for (let n = 2; used.has(name); n++) name = name.replace(/-\d+$/, '') + '-' + n;
  used.add(name);
  return name;
}

function dep(name: string, grouping: Dependency['grouping'], restartOn: Dependency['restart_on'], fmris: string[]): Dependency {
  return { kind: 'dependency', name, grouping, restart_on: restartOn, type: 'service', serviceFmris: fmris.map((value) => ({ kind: 'service_fmri', value })), properties: [] };
}
function dependent(name: string, grouping: Dependent['grouping'], restartOn: Dependent['restart_on'], fmri: string): Dependent {
  return { kind: 'dependent', name, grouping, restart_on: restartOn, serviceFmri: { kind: 'service_fmri', value: fmri }, properties: [] };
}
function method(name: string, exec: string, timeout: string): ExecMethod {
  return { kind: 'exec_method', name, type: 'method', exec, timeout_seconds: timeout, properties: [] };
}
function pg(name: string, type: string, props: Array<[string, string]>): PropertyGroupEl {
  return { kind: 'property_group', name, type, properties: props.map(([n, value]) => ({ kind: 'propval', name: n, type: 'astring', value })) };
}

/** Nearest mount whose Where= holds `path` (itself included unless `strict`). */
function holder(mounts: Array<{ where: string; fmri: string }>, path: string, strict: boolean): string | null {
  let best: { where: string; fmri: string } | null = null;
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const m of mounts) {
    const w = m.where.length > 1 ? m.where.replace(/\/+$/, '') : m.where;
    const inside = w === '/' ? p !== '/' || !strict : p === w ? !strict : p.startsWith(w + '/');
    if (inside && (!best || w.length > best.where.length)) best = { where: w, fmri: m.fmri };
  }
  return best?.fmri ?? null;
}

export function buildTsmfBundle(input: GeneratorInput, opts: TsmfBundleOptions): TsmfBundleResult {
  const sink = new BundleSink();
  const gen = generate(input, sink);
  const zfs = opts.zfsBin ?? '/sbin/zfs';
  const warnings: string[] = [];
  const used = new Set<string>();
  const keyFmri = new Map<string, string>(); // key unit name -> FMRI
  const keyNames = new Map<string, string>();
  for (const [unitName, k] of sink.keys) {
    const name = serviceName(KEY_SERVICE_PREFIX, k.unit.spec.dataset, used);
    keyNames.set(unitName, name);
    keyFmri.set(unitName, `svc:/${name}:default`);
  }
  const mounts = [...sink.mounts.values()].map((m) => {
    const name = serviceName(MOUNT_SERVICE_PREFIX, m.unit.spec.dataset, used);
    // Enabled = mounted without being asked: canmount=on, or pulled in by wanted-by/required-by.
    const enabled = m.unit.canmount === 'on' || m.wants.length > 0 || m.requires.length > 0;
    return { rec: m, name, fmri: `svc:/${name}:default`, where: text(m.unit.spec.where), enabled };
  });
  const enabledFmris = new Set(mounts.filter((m) => m.enabled).map((m) => m.fmri));
  /** require_all on enabled mounts; optional_all on disabled (noauto) ones, which must not block. */
  const mountDeps = (name: string, fmris: string[], deps: Dependency[]): void => {
    const on = fmris.filter((f) => enabledFmris.has(f));
    const off = fmris.filter((f) => !enabledFmris.has(f));
    if (on.length) deps.push(dep(name, 'require_all', 'restart', on));
    if (off.length) deps.push(dep(`${name}-noauto`, 'optional_all', 'restart', off));
  };
  const dependentName = (svc: string, what: string): string => {
    const n = `${svc.replaceAll('/', '_')}_${what}`;
    return n.length <= 119 ? n : `${n.slice(0, 100)}_${fnv(n)}_${what}`.slice(-119).replace(/^[^A-Za-z]+/, 'z');
  };
  const poolFmri = (pool: string): string | null => {
    const f = opts.importFmri(pool);
    return FMRI.test(f) ? f : null;
  };
  const unitWords = (owner: string, prop: string, list: string | null, unmapped: string[]): string[] => {
    const out: string[] = [];
    for (const w of list === null ? [] : spaceWords(text(list))) {
      const f = w.startsWith('svc:/') ? (FMRI.test(w) ? w : null) : UNIT_FMRIS[w] ?? null;
      if (f) out.push(f);
      else {
        unmapped.push(w);
        warnings.push(`${owner}: ${prop} "${w}" has no tsmf counterpart; left out (kept in zfs/unmapped_units)`);
      }
    }
    return out;
  };
  const badPools = new Set<string>();
  const poolDeps = (owner: string, u: GeneratedUnit, deps: Dependency[]): void => {
    const f = poolFmri(u.pool);
    if (f === null) {
      if (!badPools.has(u.pool)) warnings.push(`${owner}: pool "${text(u.pool)}": import service FMRI "${opts.importFmri(u.pool)}" is not a valid FMRI; no pool dependency written`);
      badPools.add(u.pool);
      return;
    }
    deps.push(dep('zfs-pool-import', u.imported ? 'optional_all' : 'require_all', 'restart', [f]));
  };
  const mountHolders = (paths: string | null, self: string | null, deps: Dependency[], name: string): void => {
    const fmris = new Set<string>();
    for (const p of paths === null ? [] : spaceWords(text(paths))) {
      const f = holder(mounts, p, false);
      if (f && f !== self) fmris.add(f);
    }
    mountDeps(name, [...fmris], deps);
  };

  const services: Service[] = [];
  const enabledKeys = new Set<string>();
  for (const m of mounts) {
    const u = m.rec.unit;
    const spec: MountUnitSpec = u.spec;
    const ds = text(spec.dataset);
    const unmapped: string[] = [];
    const deps: Dependency[] = [];
    const dependents: Dependent[] = [];
    poolDeps(ds, u, deps);
    if (spec.bindsTo !== null) {
      const kf = keyFmri.get(spec.bindsTo);
      if (kf) deps.push(dep('zfs-load-key', 'require_all', 'restart', [kf]));
      else warnings.push(`${ds}: its encryption root has no key-load entry in the cache; no key dependency written`);
    }
    const parent = holder(mounts, m.where, true);
    if (parent) mountDeps('parent-mount', [parent], deps);
    mountHolders(spec.requiresMountsFor, m.fmri, deps, 'requires-mounts-for');
    const req = unitWords(ds, 'org.openzfs.systemd:requires', spec.requires, unmapped);
    if (req.length) deps.push(dep('requires', 'require_all', 'restart', req));
    const after = unitWords(ds, 'org.openzfs.systemd:after', spec.after, unmapped);
    if (after.length) deps.push(dep('after', 'optional_all', 'none', after));
    unitWords(ds, 'org.openzfs.systemd:before', spec.before, unmapped).forEach((f, i) => dependents.push(dependent(dependentName(m.name, `before_${i}`), 'optional_all', 'none', f)));
    const localWants = m.rec.wants.filter((w) => w === 'local-fs.target');
    const localRequires = m.rec.requires.filter((w) => w === 'local-fs.target');
    if (!u.noauto && (localWants.length || localRequires.length)) {
      dependents.push(dependent(dependentName(m.name, 'local-fs'), localRequires.length ? 'require_all' : 'optional_all', 'none', LOCAL_FS_FMRI));
    }
    if (u.noauto) {
      unitWords(ds, 'org.openzfs.systemd:wanted-by', m.rec.wants.join(' '), unmapped).forEach((f, i) => dependents.push(dependent(dependentName(m.name, `wanted-by_${i}`), 'optional_all', 'none', f)));
      unitWords(ds, 'org.openzfs.systemd:required-by', m.rec.requires.join(' '), unmapped).forEach((f, i) => dependents.push(dependent(dependentName(m.name, `required-by_${i}`), 'require_all', 'restart', f)));
    }
    const enabled = m.enabled;
    if (enabled && spec.bindsTo !== null) enabledKeys.add(spec.bindsTo);
    const props: Array<[string, string]> = [['dataset', ds], ['mountpoint', m.where], ['options', 'defaults' + spec.options + ',zfsutil'],
      ['canmount', u.canmount], ['cache_file', text(spec.cacheFile)]];
    if (unmapped.length) props.push(['unmapped_units', unmapped.join(' ')]);
    const instance: Instance = {
      kind: 'instance', name: 'default', enabled: enabled ? 'true' : 'false', dependencies: deps, dependents,
      execMethods: [
        method('start', `/bin/sh -c '[ "$(${zfs} get -H -o value mounted "$0")" = yes ] || exec ${zfs} mount "$0"' %{zfs/dataset}`, '600'),
        method('stop', `/bin/sh -c '[ "$(${zfs} get -H -o value mounted "$0")" != yes ] || exec ${zfs} unmount "$0"' %{zfs/dataset}`, '600'),
      ],
      notificationParameters: [],
      propertyGroups: [pg('startd', 'framework', [['duration', 'transient']]), pg('zfs', 'application', props)],
    };
    services.push(serviceEl(m.name, instance, `ZFS dataset ${ds} mounted on ${m.where}`));
  }
  for (const [unitName, k] of sink.keys) {
    const spec: KeyLoadUnitSpec = k.unit.spec;
    const ds = text(spec.dataset);
    const unmapped: string[] = [];
    const deps: Dependency[] = [];
    poolDeps(ds, k.unit, deps);
    const req = unitWords(ds, 'org.openzfs.systemd:requires', spec.requires, unmapped);
    if (req.length) deps.push(dep('requires', 'require_all', 'restart', req));
    const paths = [spec.requiresMountsFor, spec.key.kind === 'file' ? spec.key.path : null].filter((x): x is string => x !== null).join(' ');
    mountHolders(paths || null, null, deps, 'requires-mounts-for');
    if (spec.key.kind === 'network') deps.push(dep('network', 'optional_all', 'none', ['svc:/milestone/network']));
    const load = spec.key.kind === 'prompt'
      ? `for i in 1 2 3; do systemd-ask-password --id="zfs:$0" "Enter passphrase for $0:" | ${zfs} load-key "$0" && exit 0; done; exit 1`
      : `exec ${zfs} load-key "$0"`;
    const props: Array<[string, string]> = [['dataset', ds], ['keylocation_kind', spec.key.kind], ['cache_file', text(spec.cacheFile)]];
    if (unmapped.length) props.push(['unmapped_units', unmapped.join(' ')]);
    const instance: Instance = {
      kind: 'instance', name: 'default', enabled: enabledKeys.has(unitName) ? 'true' : 'false', dependencies: deps, dependents: [],
      execMethods: [
        method('start', `/bin/sh -c '[ "$(${zfs} get -H -o value keystatus "$0")" = unavailable ] || exit 0; ${load}' %{zfs/dataset}`, '0'),
        method('stop', `/bin/sh -c '[ "$(${zfs} get -H -o value keystatus "$0")" = available ] || exit 0; exec ${zfs} unload-key "$0"' %{zfs/dataset}`, '600'),
      ],
      notificationParameters: [],
      propertyGroups: [pg('startd', 'framework', [['duration', 'transient']]), pg('zfs', 'application', props)],
    };
    services.push(serviceEl(keyNames.get(unitName)!, instance, `Load the ZFS key of ${ds}`));
  }
  const bundle: ServiceBundle = { kind: 'service_bundle', type: 'manifest', name: 'tsmf-zfs-mounts', children: services };
  const w = writeBundle(bundle);
  if (!w.ok) return { ok: false, error: w.error, messages: gen.messages };
  return { ok: true, xml: w.text, warnings, messages: gen.messages, status: gen.status, services: services.length };
}

function serviceEl(name: string, instance: Instance, title: string): Service {
  return {
    kind: 'service', name, version: '1', type: 'service', dependencies: [], dependents: [], execMethods: [],
    notificationParameters: [], propertyGroups: [], instances: [instance], stability: { kind: 'stability', value: 'Unstable' },
    template: { kind: 'template', commonName: { kind: 'common_name', loctexts: [{ kind: 'loctext', lang: 'C', text: title }] }, pgPatterns: [] },
  };
}

export function importFmriTemplate(template: string): (pool: string) => string {
  return (pool) => template.replaceAll('%p', Buffer.from(pool, 'latin1').toString('utf8'));
}
