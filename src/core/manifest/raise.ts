// Repository data -> Bundle for `svccfg export` / `svccfg archive` (smf-spec §9).
//
// Invariants:
// - DTD child order; single-valued properties become <propval>, multi-valued or empty ones
//   <property> + <TYPE_list>; NONPERSISTENT pgs, manifestfiles and external (injected)
//   dependency pgs are skipped; <dependent> is regenerated from the `dependents` pg plus the
//   target's pg (passed in by the caller); values of read-protected pgs are omitted unless
//   asked (with a warning for stderr).
// - Round trip: lower(raise(s)) == s (minus what export drops by design). raise() checks this
//   itself: a structured export that would not lower back identically is replaced by a plainer
//   one (template / framework pgs as <property_group>), so nothing is silently changed.
import type { InstanceData, Property, PropertyGroup, ServiceData } from '../model.js';
import { PG_FLAG_NONPERSISTENT } from '../model.js';
import type {
  Bool, Dependency, Dependent, ExecMethod, Grouping, Instance, MethodContext, PropertyChild, PropertyGroupEl,
  RestartOn, Service, ServiceBundle, Stability, StabilityValue,
} from './bundle.js';
import { lowerBundle, type DeclaredDependent } from './lower.js';
import { isTemplatePg, raiseNotification, raiseTemplate } from './raise-template.js';

export interface RaiseOptions {
  /** dependents the service declared, with the target's pg data (see dependentFromTargetPg) */
  dependents?: DeclaredDependent[];
  /** export values of read-protected property groups (svccfg export -a) */
  includeProtected?: boolean;
}
export interface RaiseResult { bundle: ServiceBundle; warnings: string[] }

const STABILITY: readonly string[] = ['Standard', 'Stable', 'Evolving', 'Unstable', 'External', 'Obsolete'];
const GROUPINGS: readonly string[] = ['require_all', 'require_any', 'exclude_all', 'optional_all'];
const RESTART_ONS: readonly string[] = ['error', 'restart', 'refresh', 'none'];
const CONTEXT_ATTRS = ['working_directory', 'project', 'resource_pool', 'security_flags'] as const;
const CRED_ATTRS = ['user', 'group', 'supp_groups', 'privileges', 'limit_privileges'] as const;

const one = (p: Property | undefined, type = 'astring'): string | undefined =>
  p && p.type === type && p.values.length === 1 ? p.values[0] : undefined;

/** Remove the single-valued property `name` of `type` from `props` (wherever it is) and return its value. */
function pick(props: Property[], name: string, type = 'astring', ok: (v: string) => boolean = () => true): string | undefined {
  const i = props.findIndex((p) => p.name === name);
  const v = i < 0 ? undefined : one(props[i], type);
  if (v === undefined || !ok(v)) return undefined;
  props.splice(i, 1);
  return v;
}

/** Rebuild a DeclaredDependent from the dependency pg found in the target (for export). */
export function dependentFromTargetPg(declaringFmri: string, targetFmri: string, pg: PropertyGroup, atLevel: 'service' | 'instance'): DeclaredDependent | undefined {
  const get = (n: string) => pg.properties.find((p) => p.name === n);
  const grouping = one(get('grouping'));
  const restartOn = one(get('restart_on'));
  if (!grouping || !restartOn || !GROUPINGS.includes(grouping) || !RESTART_ONS.includes(restartOn)) return undefined;
  const fixed = new Set(['grouping', 'restart_on', 'entities', 'external']);
  const extra = pg.properties.filter((p) => !fixed.has(p.name) && !(p.name === 'type' && one(p) === 'service'));
  return { declaringFmri, targetFmri, pgName: pg.name, grouping: grouping as Grouping, restartOn: restartOn as RestartOn, extraProps: extra, atLevel, override: false };
}

interface Ctx { opts: RaiseOptions; warnings: string[]; fmri: string; plain: boolean; plainTemplate: boolean }

function isProtected(pg: PropertyGroup): boolean {
  return pg.type === 'application' && pg.properties.some((p) => p.name === 'read_authorization' && p.type === 'astring');
}

function propChildren(props: Property[], hideValues: boolean): PropertyChild[] {
  return props.map((p): PropertyChild => {
    if (!hideValues && p.values.length === 1) return { kind: 'propval', name: p.name, type: p.type, value: p.values[0] };
    const el: PropertyChild = { kind: 'property', name: p.name, type: p.type };
    if (!hideValues && p.values.length > 0) el.list = { kind: `${p.type}_list`, values: p.values.map((v) => ({ kind: 'value_node', value: v })) };
    return el;
  });
}

/** Leading `stability` astring property -> <stability>, rest stays. */
function splitStability(props: Property[], name = 'stability'): [Stability | undefined, Property[]] {
  const v = one(props[0]);
  if (props[0]?.name === name && v !== undefined && STABILITY.includes(v)) return [{ kind: 'stability', value: v as StabilityValue }, props.slice(1)];
  return [undefined, props];
}

function plainPg(pg: PropertyGroup, ctx: Ctx): PropertyGroupEl {
  const hide = isProtected(pg) && !ctx.opts.includeProtected;
  if (hide) ctx.warnings.push(`${ctx.fmri}: values of read-protected property group '${pg.name}' were omitted (use -a to include them)`);
  const [stability, rest] = ctx.plain ? [undefined, pg.properties] : splitStability(pg.properties);
  const el: PropertyGroupEl = { kind: 'property_group', name: pg.name, type: pg.type, properties: propChildren(rest, hide) };
  if (stability) el.stability = stability;
  return el;
}

/** Method-context properties at the start of `props` -> <method_context>, or undefined. */
function takeContext(props: Property[], whole: boolean): [MethodContext | undefined, Property[]] {
  let i = 0;
  const mc: MethodContext = { kind: 'method_context' };
  const at = (n: string) => (props[i]?.name === n ? one(props[i]) : undefined);
  for (const k of CONTEXT_ATTRS) { const v = at(k); if (v !== undefined) { mc[k] = v; i++; } }
  const up = props[i]?.name === 'use_profile' ? one(props[i], 'boolean') : undefined;
  if (up === 'true') {
    const prof = props[i + 1]?.name === 'profile' ? one(props[i + 1]) : undefined;
    if (prof !== undefined) { mc.credential = { kind: 'method_profile', name: prof }; i += 2; }
  } else if (up === 'false') {
    const user = props[i + 1]?.name === 'user' ? one(props[i + 1]) : undefined;
    if (user !== undefined) {
      i += 2;
      const cred: NonNullable<MethodContext['credential']> & { kind: 'method_credential' } = { kind: 'method_credential', user };
      for (const k of CRED_ATTRS.slice(1)) { const v = at(k); if (v !== undefined) { cred[k] = v; i++; } }
      mc.credential = cred;
    }
  }
  const env = props[i];
  if (env?.name === 'environment' && env.type === 'astring' && env.values.length > 0
    && env.values.every((v) => /^[^=]+=/.test(v) && !v.startsWith('SMF_'))) {
    mc.environment = { kind: 'method_environment', envvars: env.values.map((v) => ({ kind: 'envvar', name: v.slice(0, v.indexOf('=')), value: v.slice(v.indexOf('=') + 1) })) };
    i++;
  }
  if (i === 0 && !whole) return [undefined, props];
  if (whole && i !== props.length) return [undefined, props];
  return [mc, props.slice(i)];
}

function execMethod(pg: PropertyGroup, ctx: Ctx): ExecMethod | undefined {
  const ps = [...pg.properties];
  const type = pick(ps, 'type', 'astring', (v) => v === 'method' || v === 'monitor');
  const exec = pick(ps, 'exec');
  const timeout = pick(ps, 'timeout_seconds', 'count');
  if ((type !== 'method' && type !== 'monitor') || exec === undefined || timeout === undefined) return undefined;
  const [mc, rest1] = takeContext(ps, false);
  const [stability, rest] = splitStability(rest1);
  const el: ExecMethod = { kind: 'exec_method', name: pg.name, type, exec, timeout_seconds: timeout, properties: propChildren(rest, false) };
  if (mc) el.methodContext = mc;
  if (stability) el.stability = stability;
  void ctx;
  return el;
}

function dependency(pg: PropertyGroup): Dependency | undefined {
  const ps = [...pg.properties];
  const type = pick(ps, 'type');
  const restartOn = pick(ps, 'restart_on', 'astring', (v) => RESTART_ONS.includes(v));
  const grouping = pick(ps, 'grouping', 'astring', (v) => GROUPINGS.includes(v));
  const ei = ps.findIndex((p) => p.name === 'entities' && p.type === 'fmri');
  if (type === undefined || !restartOn || !grouping || ei < 0) return undefined;
  const [e] = ps.splice(ei, 1);
  const [stability, rest] = splitStability(ps);
  const el: Dependency = {
    kind: 'dependency', name: pg.name, grouping: grouping as Grouping, restart_on: restartOn as RestartOn, type,
    serviceFmris: e.values.map((v) => ({ kind: 'service_fmri', value: v })), properties: propChildren(rest, false),
  };
  if (stability) el.stability = stability;
  return el;
}

function dependents(pg: PropertyGroup, ctx: Ctx): Dependent[] | undefined {
  const out: Dependent[] = [];
  for (const p of pg.properties) {
    const target = one(p, 'fmri');
    const d = ctx.opts.dependents?.find((x) => x.pgName === p.name && x.targetFmri === target && x.declaringFmri === ctx.fmri);
    if (!d || target === undefined) {
      ctx.warnings.push(`${ctx.fmri}: dependent '${p.name}' has no matching dependency group in ${target ?? '?'}; exported as plain property group 'dependents'`);
      return undefined;
    }
    const [stability, rest] = splitStability(d.extraProps, 'entity_stability');
    const el: Dependent = {
      kind: 'dependent', name: p.name, grouping: d.grouping, restart_on: d.restartOn,
      serviceFmri: { kind: 'service_fmri', value: target }, properties: propChildren(rest, false),
    };
    if (stability) el.stability = stability;
    out.push(el);
  }
  return out;
}

type Entity = Service | Instance;

/** Fill the slots shared by service and instance from pgs (general handled by the caller). */
function fillEntity(x: Entity, pgs: PropertyGroup[], ctx: Ctx, generalRest: Property[] | undefined): void {
  for (const pg of pgs) {
    if (pg.flags & PG_FLAG_NONPERSISTENT || pg.name === 'manifestfiles') continue;
    if (pg.type === 'dependency' && pg.properties.some((p) => p.name === 'external' && one(p, 'boolean') === 'true')) continue;
    if (pg.name === 'general' && pg.type === 'framework' && generalRest !== undefined) {
      if (generalRest.length) x.propertyGroups.push(plainPg({ ...pg, properties: generalRest }, ctx));
      continue;
    }
    if (!ctx.plain) {
      if (pg.type === 'dependency') { const d = dependency(pg); if (d) { x.dependencies.push(d); continue; } }
      if (pg.type === 'method') { const m = execMethod(pg, ctx); if (m) { x.execMethods.push(m); continue; } }
      if (pg.name === 'method_context' && pg.type === 'framework' && !x.methodContext) {
        const [mc] = takeContext(pg.properties, true);
        if (mc) { x.methodContext = mc; continue; }
      }
      if (pg.name === 'dependents' && pg.type === 'framework') {
        const ds = dependents(pg, ctx);
        if (ds) { x.dependents.push(...ds); continue; }
      }
      if (pg.type === 'notify_params') { const n = raiseNotification(pg); if (n) { x.notificationParameters.push(n); continue; } }
      if (!ctx.plainTemplate && isTemplatePg(pg) && x.template) continue;
    }
    x.propertyGroups.push(plainPg(pg, ctx));
  }
}

function raiseInstance(svcName: string, inst: InstanceData, ctx: Ctx): Instance {
  const c: Ctx = { ...ctx, fmri: `svc:/${svcName}:${inst.name}` };
  const general = inst.pgs.find((p) => p.name === 'general' && p.type === 'framework');
  let enabled: Bool = 'false';
  let rest = general ? [...general.properties] : undefined;
  const en = rest ? pick(rest, 'enabled', 'boolean') : undefined;
  if (en !== undefined) enabled = en as Bool;
  else ctx.warnings.push(`${c.fmri}: no general/enabled property; exported as enabled='false'`);
  const x: Instance = { kind: 'instance', name: inst.name, enabled, dependencies: [], dependents: [], execMethods: [], notificationParameters: [], propertyGroups: [] };
  const rs = !c.plain && rest ? pick(rest, 'restarter', 'fmri') : undefined;
  if (rs !== undefined) x.restarter = { kind: 'restarter', serviceFmri: { kind: 'service_fmri', value: rs } };
  if (!c.plain && !c.plainTemplate) { const t = raiseTemplate(inst.pgs); if (t) x.template = t; }
  fillEntity(x, inst.pgs, c, rest);
  return x;
}

function raiseServiceWith(svc: ServiceData, ctx: Ctx): Service {
  const s: Service = { kind: 'service', name: svc.name, type: 'service', version: '0', dependencies: [], dependents: [], execMethods: [], notificationParameters: [], propertyGroups: [], instances: [] };
  const general = svc.pgs.find((p) => p.name === 'general' && p.type === 'framework');
  let rest = general ? [...general.properties] : undefined;
  if (!ctx.plain && rest) {
    if (pick(rest, 'single_instance', 'boolean', (v) => v === 'true')) s.singleInstance = { kind: 'single_instance' };
    const rs = pick(rest, 'restarter', 'fmri');
    if (rs !== undefined) s.restarter = { kind: 'restarter', serviceFmri: { kind: 'service_fmri', value: rs } };
    const st = pick(rest, 'entity_stability', 'astring', (v) => STABILITY.includes(v));
    if (st !== undefined) s.stability = { kind: 'stability', value: st as StabilityValue };
    const t = ctx.plainTemplate ? undefined : raiseTemplate(svc.pgs);
    if (t) s.template = t;
  }
  fillEntity(s, svc.pgs, ctx, ctx.plain ? undefined : rest);
  // Deviation from svccfg (which always writes type='service'): keep 'restarter' when a
  // template uses target='delegate', which is only valid in restarters, so the export re-imports.
  const usesDelegate = (t?: Service['template']) => t?.pgPatterns.some((p) => p.target === 'delegate') ?? false;
  svc.instances.forEach((inst, i) => {
    const kept = inst.pgs.filter((pg) => !(pg.flags & PG_FLAG_NONPERSISTENT));
    const g = kept[0];
    if (!ctx.plain && i === 0 && inst.name === 'default' && kept.length === 1 && g.name === 'general' && g.type === 'framework'
      && g.properties.length === 1 && g.properties[0].name === 'enabled' && one(g.properties[0], 'boolean') !== undefined) {
      s.createDefaultInstance = { kind: 'create_default_instance', enabled: g.properties[0].values[0] as Bool };
    } else s.instances.push(raiseInstance(svc.name, inst, ctx));
  });
  if (usesDelegate(s.template) || s.instances.some((i) => usesDelegate(i.template))) s.type = 'restarter';
  return s;
}

/** Comparable text of a service; `sorted` ignores pg and property order (values keep theirs). */
function canon(x: ServiceData, sorted: boolean): string {
  const byName = <T extends { name: string }>(l: T[]) => (sorted ? [...l].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : l);
  const pgs = (l: PropertyGroup[]) => byName(l).map((p) => [p.name, p.type, p.flags, byName(p.properties).map((q) => [q.name, q.type, q.values])]);
  return JSON.stringify([x.name, pgs(x.pgs), byName(x.instances).map((i) => [i.name, pgs(i.pgs)])]);
}

/** What export is expected to preserve of a service (for the self-check). */
function exportable(svc: ServiceData, opts: RaiseOptions): ServiceData {
  const hide = (pg: PropertyGroup): PropertyGroup => (isProtected(pg) && !opts.includeProtected
    ? { ...pg, properties: pg.properties.map((p) => ({ ...p, values: [] })) } : pg);
  const keep = (l: PropertyGroup[]) => l.map(hide).filter((pg) => !(pg.flags & PG_FLAG_NONPERSISTENT) && pg.name !== 'manifestfiles'
    && !(pg.type === 'dependency' && pg.properties.some((p) => p.name === 'external' && one(p, 'boolean') === 'true')));
  // an instance without general/enabled is exported enabled='false' (smf-spec §9): that is the one
  // difference its re-import may show, the rest of the service keeps its structured form
  const withEnabled = (l: PropertyGroup[]): PropertyGroup[] => {
    const g = l.find((pg) => pg.name === 'general' && pg.type === 'framework');
    if (g?.properties.some((p) => p.name === 'enabled' && one(p, 'boolean') !== undefined)) return l;
    const enabled: Property = { name: 'enabled', type: 'boolean', values: ['false'] };
    if (!g) return [{ name: 'general', type: 'framework', flags: 0, properties: [enabled] }, ...l];
    return l.map((pg) => (pg === g ? { ...g, properties: [enabled, ...g.properties.filter((p) => p.name !== 'enabled')] } : pg));
  };
  return { name: svc.name, pgs: keep(svc.pgs), instances: svc.instances.map((i) => ({ name: i.name, pgs: withEnabled(keep(i.pgs)) })) };
}

/** Raise one service to a <service> element (structured when it round-trips, plainer otherwise). */
export function raiseService(svc: ServiceData, opts: RaiseOptions = {}): { service: Service; warnings: string[] } {
  // The most structured form whose re-import gives the same content wins (property order may
  // differ: re-import orders properties as svccfg does); else the plainest form plus a warning.
  const exp = exportable(svc, opts);
  const want = canon(exp, false);
  const wantSorted = canon(exp, true);
  let last: { service: Service; warnings: string[] } | undefined;
  for (const mode of [{ plain: false, plainTemplate: false }, { plain: false, plainTemplate: true }, { plain: true, plainTemplate: true }]) {
    const warnings: string[] = [];
    const service = raiseServiceWith(svc, { opts, warnings, fmri: `svc:/${svc.name}`, ...mode });
    last = { service, warnings };
    const low = lowerBundle({ kind: 'service_bundle', type: 'manifest', name: 'check', children: [service] });
    if (low.diagnostics.length !== 0 || low.services.length !== 1) continue;
    if (canon(low.services[0], false) === want || canon(low.services[0], true) === wantSorted) return last;
  }
  if (!last) throw new Error('unreachable');
  last.warnings.push(`svc:/${svc.name}: the export cannot reproduce every property exactly (see the warnings above)`);
  return last;
}

/** `svccfg export`: one service, type manifest, name export. */
export function exportBundle(svc: ServiceData, opts: RaiseOptions = {}): RaiseResult {
  const r = raiseService(svc, opts);
  return { bundle: { kind: 'service_bundle', type: 'manifest', name: 'export', children: [r.service] }, warnings: r.warnings };
}

/** `svccfg archive`: every service, type archive, name none. */
export function archiveBundle(svcs: ServiceData[], opts: RaiseOptions = {}): RaiseResult {
  const warnings: string[] = [];
  const children = svcs.map((s) => { const r = raiseService(s, opts); warnings.push(...r.warnings); return r.service; });
  return { bundle: { kind: 'service_bundle', type: 'archive', name: 'none', children }, warnings };
}
