// Bundle -> repository data (smf-spec §8 "Mapping to the repository"), as svccfg import does:
// exec_method -> method pg, method_context -> method_context pg / method pg properties,
// dependency -> dependency pg, dependent -> DeclaredDependent + `dependents` pg,
// create_default_instance / instance enabled -> general/enabled, single_instance, restarter,
// stability, templates -> tm_* pgs, notification_parameters -> notify_params pgs.
//
// Invariants:
// - Property order inside a pg and pg order follow svccfg (document order, general created at
//   first use); raise.ts relies on the same order so that lower(raise(lower(x))) == lower(x).
// - Values go through values.ts (manifests: count/integer in base 10, booleans literal).
// - Nothing here touches the repository: dependents, untyped profile properties, overrides and
//   deletes are returned as data for the caller to apply.
import type { InstanceData, Property, PropertyGroup, ServiceData } from '../model.js';
import { manifestPropName, type DeclaredDependent, type LoweredBundle, type PropertyRef } from './lowered.js';
import { canonicalValue } from '../values.js';
import { checkName, instanceFmri, serviceFmri } from '../fmri.js';
import type {
  Dependency, Dependent, Diagnostic, ExecMethod, Instance, Loc, MethodContext, PropertyChild, Service, ServiceBundle,
} from './bundle.js';
import { attrDefault } from './dtd.js';
import { Diags, EntityBuilder } from './entity-builder.js';
import { lowerNotification, lowerTemplate } from './lower-template.js';

export type { DeclaredDependent, LoweredBundle, PropertyRef } from './lowered.js';
export { injectedDependencyPg, manifestPropName } from './lowered.js';

/** A lowered bundle with everything the manifest layer knows about it (all lists present). */
export interface LowerResult extends LoweredBundle {
  bundleType: 'manifest' | 'profile' | 'archive';
  dependents: DeclaredDependent[];
  untyped: PropertyRef[];
  overrides: PropertyRef[];
  deletes: PropertyRef[];
  diagnostics: Diagnostic[];
}

export interface LowerOptions {
  /** path of the manifest file, recorded in the service's manifestfiles pg (manifests only) */
  manifestPath?: string;
}

class Lowerer {
  readonly diags: Diags;
  readonly out: LowerResult;
  /** names of the services lowered so far (a bundle may hold thousands: no linear scans) */
  private readonly serviceNames = new Set<string>();
  constructor(readonly bundleType: LowerResult['bundleType'], file: string) {
    this.diags = new Diags(file);
    this.out = { bundleType, services: [], dependents: [], untyped: [], overrides: [], deletes: [], diagnostics: this.diags.list };
  }

  props(e: EntityBuilder, pg: PropertyGroup, children: PropertyChild[]): void {
    for (const c of children) {
      const type = c.type;
      let raw: string[];
      if (c.kind === 'propval') raw = [c.value];
      else {
        raw = c.list?.values.map((v) => v.value) ?? [];
        if (c.list && type && c.list.kind !== `${type}_list`) {
          this.diags.error(c.loc, `property '${pg.name}/${c.name}': type '${type}' does not match <${c.list.kind}>; use <${type}_list>`);
          continue;
        }
      }
      if (c.override === 'true') this.out.overrides.push({ entity: e.fmri, pg: pg.name, prop: c.name });
      if (type === undefined) {
        const listType = c.kind === 'property' ? c.list?.kind.replace(/_list$/, '') : undefined;
        if (listType) { e.putChecked(pg, c.name, listType as Property['type'], raw, c.loc); continue; }
        if (this.bundleType !== 'profile') {
          this.diags.error(c.loc, `property type missing for property '${pg.name}/${c.name}'; add type="astring" (or another type)`);
          continue;
        }
        this.out.untyped.push({ entity: e.fmri, pg: pg.name, prop: c.name });
        e.put(pg, c.name, 'astring', raw, c.loc);
        continue;
      }
      e.putChecked(pg, c.name, type, raw, c.loc);
    }
  }

  general(e: EntityBuilder, loc: Loc | undefined): PropertyGroup {
    return e.pg('general', 'framework', loc);
  }

  methodContextProps(e: EntityBuilder, pg: PropertyGroup, mc: MethodContext): void {
    for (const k of ['working_directory', 'project', 'resource_pool', 'security_flags'] as const) {
      const v = mc[k];
      if (v !== undefined) e.put(pg, k, 'astring', [v], mc.loc);
    }
    const cred = mc.credential;
    if (cred?.kind === 'method_profile') {
      e.put(pg, 'use_profile', 'boolean', ['true'], cred.loc);
      e.put(pg, 'profile', 'astring', [cred.name], cred.loc);
    } else if (cred?.kind === 'method_credential') {
      e.put(pg, 'use_profile', 'boolean', ['false'], cred.loc);
      for (const k of ['user', 'group', 'supp_groups', 'privileges', 'limit_privileges'] as const) {
        const v = cred[k];
        if (v !== undefined) e.put(pg, k, 'astring', [v], cred.loc);
      }
    }
    if (mc.environment) {
      const vals: string[] = [];
      for (const ev of mc.environment.envvars) {
        if (ev.name === '' || ev.name.includes('=')) {
          this.diags.error(ev.loc, `invalid environment variable name "${ev.name}": it must be non-empty and must not contain '='`);
        } else if (ev.name.startsWith('SMF_')) {
          this.diags.error(ev.loc, `invalid environment variable "${ev.name}": the "SMF_" prefix is reserved for the restarter; rename it`);
        } else vals.push(`${ev.name}=${ev.value}`);
      }
      e.put(pg, 'environment', 'astring', vals, mc.environment.loc);
    }
  }

  execMethod(e: EntityBuilder, m: ExecMethod): void {
    const pg = e.pg(m.name, 'method', m.loc);
    e.put(pg, 'type', 'astring', [m.type], m.loc);
    e.put(pg, 'exec', 'astring', [m.exec], m.loc);
    const t = canonicalValue('count', m.timeout_seconds, { decimalOnly: true });
    if (!t.ok) this.diags.error(m.loc, `exec_method '${m.name}': illegal timeout_seconds: ${t.error}; use a number of seconds (0 = no timeout)`);
    else e.put(pg, 'timeout_seconds', 'count', [t.value], m.loc);
    if (m.methodContext) this.methodContextProps(e, pg, m.methodContext);
    if (m.stability) e.put(pg, 'stability', 'astring', [m.stability.value], m.stability.loc);
    this.props(e, pg, m.properties);
    if (m.delete === 'true') this.out.deletes.push({ entity: e.fmri, pg: m.name });
  }

  dependency(e: EntityBuilder, d: Dependency): void {
    const pg = e.pg(d.name, 'dependency', d.loc);
    e.put(pg, 'type', 'astring', [d.type], d.loc);
    e.put(pg, 'restart_on', 'astring', [d.restart_on], d.loc);
    e.put(pg, 'grouping', 'astring', [d.grouping], d.loc);
    const ents: string[] = [];
    for (const sf of d.serviceFmris) {
      const r = canonicalValue('fmri', sf.value);
      if (!r.ok) this.diags.error(sf.loc, `dependency '${d.name}': ${r.error}`);
      else ents.push(r.value);
    }
    e.put(pg, 'entities', 'fmri', ents, d.loc);
    if (d.stability) e.put(pg, 'stability', 'astring', [d.stability.value], d.stability.loc);
    this.props(e, pg, d.properties);
    if (d.delete === 'true') this.out.deletes.push({ entity: e.fmri, pg: d.name });
  }

  dependent(e: EntityBuilder, d: Dependent, level: 'service' | 'instance'): void {
    if (e.findPg(d.name)) {
      this.diags.error(d.loc, `property group and dependent of ${e.fmri} have the same name "${d.name}"; rename one of them`);
      return;
    }
    const target = d.serviceFmri.value;
    const r = canonicalValue('fmri', target);
    if (!r.ok) { this.diags.error(d.serviceFmri.loc, `dependent '${d.name}': ${r.error}`); return; }
    if (!target.startsWith('svc:')) { this.diags.error(d.serviceFmri.loc, `dependent '${d.name}': the target must be a service or instance (svc:) FMRI`); return; }
    const scratch = new EntityBuilder(e.fmri, this.diags);
    const xpg = scratch.pg(d.name, 'dependency', d.loc);
    if (d.stability) scratch.put(xpg, 'entity_stability', 'astring', [d.stability.value], d.stability.loc);
    this.props(scratch, xpg, d.properties);
    this.out.dependents.push({
      declaringFmri: e.fmri, targetFmri: target, pgName: d.name, grouping: d.grouping, restartOn: d.restart_on,
      extraProps: xpg.properties, atLevel: level, override: d.override === 'true',
    });
    if (d.delete === 'true') this.out.deletes.push({ entity: target, pg: d.name });
    e.put(e.pg('dependents', 'framework', d.loc), d.name, 'fmri', [target], d.loc);
  }

  /** Children shared by service and instance, in DTD order. */
  common(e: EntityBuilder, x: Service | Instance, level: 'service' | 'instance'): void {
    if (x.restarter) {
      const v = x.restarter.serviceFmri.value;
      const r = canonicalValue('fmri', v);
      if (!r.ok) this.diags.error(x.restarter.serviceFmri.loc, `restarter: ${r.error}`);
      else e.put(this.general(e, x.restarter.loc), 'restarter', 'fmri', [v], x.restarter.loc);
    }
    for (const d of x.dependencies) this.dependency(e, d);
    for (const d of x.dependents) this.dependent(e, d, level);
    if (x.methodContext) this.methodContextProps(e, e.pg('method_context', 'framework', x.methodContext.loc), x.methodContext);
    for (const m of x.execMethods) this.execMethod(e, m);
    for (const n of x.notificationParameters) lowerNotification(e, n, level);
    for (const g of x.propertyGroups) {
      const type = g.type ?? '';
      const pg = e.pg(g.name, type, g.loc);
      if (g.stability) e.put(pg, 'stability', 'astring', [g.stability.value], g.stability.loc);
      this.props(e, pg, g.properties);
      if (g.delete === 'true') this.out.deletes.push({ entity: e.fmri, pg: g.name });
    }
  }

  instance(svc: Service, i: Instance): InstanceData {
    const nameErr = checkName(i.name, 'instance');
    if (nameErr) this.diags.error(i.loc, nameErr);
    const e = new EntityBuilder(instanceFmri(svc.name, i.name), this.diags);
    if (i.enabled !== undefined) {
      e.put(this.general(e, i.loc), 'enabled', 'boolean', [i.enabled], i.loc);
      if (this.bundleType === 'profile') this.out.overrides.push({ entity: e.fmri, pg: 'general', prop: 'enabled' });
    } else if (this.bundleType !== 'profile') {
      this.diags.error(i.loc, `instance "${i.name}" is missing the enabled attribute; add enabled="true" or enabled="false"`);
    }
    this.common(e, i, 'instance');
    if (i.template) {
      if (this.bundleType === 'profile') this.diags.error(i.template.loc, `template data for "${i.name}" may not be modified in a profile; remove <template>`);
      else lowerTemplate(e, i.template, { isService: false, serviceType: svc.type });
    }
    return { name: i.name, pgs: e.pgs };
  }

  service(s: Service, opts: LowerOptions): ServiceData {
    const nameErr = checkName(s.name, 'service');
    if (nameErr) this.diags.error(s.loc, nameErr);
    const e = new EntityBuilder(serviceFmri(s.name), this.diags);
    if (opts.manifestPath && this.bundleType === 'manifest') {
      e.put(e.pg('manifestfiles', 'framework', s.loc), manifestPropName(opts.manifestPath), 'astring', [opts.manifestPath], s.loc);
    }
    const instances: InstanceData[] = [];
    if (s.createDefaultInstance) {
      instances.push({ name: 'default', pgs: [{ name: 'general', type: 'framework', flags: 0, properties: [{ name: 'enabled', type: 'boolean', values: [s.createDefaultInstance.enabled] }] }] });
    }
    if (s.singleInstance) e.put(this.general(e, s.singleInstance.loc), 'single_instance', 'boolean', ['true'], s.singleInstance.loc);
    this.common(e, s, 'service');
    for (const i of s.instances) {
      if (instances.some((x) => x.name === i.name)) {
        this.diags.error(i.loc, `instance '${i.name}' of ${e.fmri} is declared twice (create_default_instance also declares 'default'); keep one`);
        continue;
      }
      instances.push(this.instance(s, i));
    }
    if (s.stability) e.put(this.general(e, s.stability.loc), 'entity_stability', 'astring', [s.stability.value], s.stability.loc);
    if (s.template) {
      if (this.bundleType === 'profile') this.diags.error(s.template.loc, `template data for "${s.name}" may not be modified in a profile; remove <template>`);
      else lowerTemplate(e, s.template, { isService: true, serviceType: s.type, serviceName: s.name });
    }
    return { name: s.name, pgs: e.pgs, instances };
  }

  bundle(b: ServiceBundle, opts: LowerOptions): void {
    for (const c of b.children) {
      if (c.kind === 'service_bundle') {
        if (c.type !== b.type) this.diags.error(c.loc, `nested service_bundle type '${c.type}' differs from '${b.type}'; included bundles must have the same type`);
        this.bundle(c, opts);
      } else if (c.kind === 'xi:include') {
        this.diags.error(c.loc, `unresolved <xi:include href='${c.href}'>: resolve includes (resolveIncludes) before lowering`);
      } else this.addService(c, opts);
    }
  }

  addService(c: Service, opts: LowerOptions): void {
    if (this.serviceNames.has(c.name)) this.diags.error(c.loc, `service '${c.name}' is declared more than once in the bundle; merge the declarations`);
    else { this.serviceNames.add(c.name); this.out.services.push(this.service(c, opts)); }
  }
}

const bundleTypeOf = (type: string | undefined): LowerResult['bundleType'] => (type === 'profile' || type === 'archive' ? type : 'manifest');

/** Lower a parsed (and include-resolved) bundle. Errors are in `diagnostics`. */
export function lowerBundle(bundle: ServiceBundle, opts: LowerOptions = {}): LowerResult {
  const l = new Lowerer(bundleTypeOf(bundle.type), bundle.loc?.file ?? '');
  l.bundle(bundle, opts);
  l.out.canonical = true;
  return l.out;
}

/**
 * Lowers the services of a bundle one at a time, as a streaming parser completes them (so that
 * their typed nodes die young): the same result as lowerBundle() over a bundle of type `type`
 * whose children are exactly these services, in this order.
 */
export class ServiceLowering {
  private readonly l: Lowerer;
  constructor(type: string | undefined, file: string, private readonly opts: LowerOptions = {}) {
    this.l = new Lowerer(bundleTypeOf(type), file);
  }
  add(s: Service): void { this.l.addService(s, this.opts); }
  result(): LowerResult {
    this.l.out.canonical = true;
    return this.l.out;
  }
}

export { attrDefault };
