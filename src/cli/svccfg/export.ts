// Repository -> bundles for export / archive / extract (smf-spec §9, §7.3). The repository
// gives the directly attached (editing) configuration as root reads it; the manifest layer's
// raise decides what a manifest can carry (and hides read-protected values unless -a).
// <dependent> elements are rebuilt from the entity's `dependents` pg plus the target's pg.
import type { Instance, Service, ServiceBundle } from '../../core/manifest/bundle.js';
import type { DeclaredDependent } from '../../core/manifest/lower.js';
import { archiveBundle as raiseArchive, dependentFromTargetPg, exportBundle as raiseExport } from '../../core/manifest/raise.js';
import { findPg, findProp, type PropertyGroup, type ServiceData } from '../../core/model.js';
import type { Repository } from '../../repository/repository.js';
import { mayRead } from '../../repository/read.js';
import { ROOT_VIEWER, VIEW_COMPOSED, type PgView, type Viewer } from '../../repository/types.js';

export type BundleResult = { ok: true; bundle: ServiceBundle; notes: string[] } | { ok: false; error: string };

function declaredDependents(repo: Repository, svc: ServiceData): DeclaredDependent[] {
  const out: DeclaredDependent[] = [];
  const levels: [string, PropertyGroup[], 'service' | 'instance'][] = [
    [`svc:/${svc.name}`, svc.pgs, 'service'],
    ...svc.instances.map((i): [string, PropertyGroup[], 'instance'] => [`svc:/${svc.name}:${i.name}`, i.pgs, 'instance']),
  ];
  for (const [declarer, pgs, level] of levels) {
    for (const p of findPg(pgs, 'dependents')?.properties ?? []) {
      const target = p.values[0];
      if (p.type !== 'fmri' || p.values.length !== 1 || !target) continue;
      const pg = repo.getPg(target, p.name, { viewer: ROOT_VIEWER });
      if (!pg.ok) continue;
      const d = dependentFromTargetPg(declarer, target, pg.value, level);
      if (d) out.push(d);
    }
  }
  return out;
}

/**
 * -a (smf-spec §9): the read-protected values too, which needs the read authorization of every
 * protected pg exported (root, or a user granted them: the same rule as svcprop, read.ts mayRead).
 */
function needAuthorization(all: boolean, services: readonly ServiceData[], viewer: Viewer): string | undefined {
  if (!all || viewer.uid === 0) return undefined;
  for (const svc of services) {
    const levels: [string, PropertyGroup[]][] = [[`svc:/${svc.name}`, svc.pgs], ...svc.instances.map((i): [string, PropertyGroup[]] => [`svc:/${svc.name}:${i.name}`, i.pgs])];
    for (const [fmri, pgs] of levels) {
      const pg = pgs.find((g) => !mayRead(g as PgView, viewer));
      if (pg) return `Permission denied: -a needs the read authorization of ${fmri}/:properties/${pg.name} (see docs/authorizations.md).`;
    }
  }
  return undefined;
}

function serviceData(repo: Repository, service: string): ServiceData | string {
  const r = repo.getServiceData(`svc:/${service}`, { viewer: ROOT_VIEWER });
  return r.ok ? r.value : r.message;
}

export function exportBundle(repo: Repository, service: string, all: boolean, viewer: Viewer = ROOT_VIEWER): BundleResult {
  const svc = serviceData(repo, service);
  if (typeof svc === 'string') return { ok: false, error: svc };
  const denied = needAuthorization(all, [svc], viewer);
  if (denied) return { ok: false, error: denied };
  const r = raiseExport(svc, { dependents: declaredDependents(repo, svc), includeProtected: all });
  return { ok: true, bundle: r.bundle, notes: r.warnings };
}

export function archiveBundle(repo: Repository, all: boolean, viewer: Viewer = ROOT_VIEWER): BundleResult {
  const svcs: ServiceData[] = [];
  const deps: DeclaredDependent[] = [];
  for (const name of repo.listServices()) {
    const svc = serviceData(repo, name);
    if (typeof svc === 'string') return { ok: false, error: svc };
    svcs.push(svc);
    deps.push(...declaredDependents(repo, svc));
  }
  const denied = needAuthorization(all, svcs, viewer);
  if (denied) return { ok: false, error: denied };
  const r = raiseArchive(svcs, { dependents: deps, includeProtected: all });
  return { ok: true, bundle: r.bundle, notes: r.warnings };
}

/** `extract`: a profile (name "extract") with the enabled state of every instance. */
export function extractBundle(repo: Repository): ServiceBundle {
  const children: Service[] = [];
  for (const name of repo.listServices()) {
    const instances: Instance[] = [];
    for (const fmri of repo.listInstances(name)) {
      const general = repo.getPg(fmri, 'general', { view: VIEW_COMPOSED, viewer: ROOT_VIEWER });
      const enabled = general.ok ? findProp(general.value, 'enabled')?.values[0] : undefined;
      if (enabled !== 'true' && enabled !== 'false') continue;
      instances.push({
        kind: 'instance', name: fmri.slice(fmri.lastIndexOf(':') + 1), enabled, dependencies: [], dependents: [],
        execMethods: [], notificationParameters: [], propertyGroups: [],
      });
    }
    if (!instances.length) continue;
    children.push({
      kind: 'service', name, version: '0', type: 'service', dependencies: [], dependents: [], execMethods: [],
      notificationParameters: [], propertyGroups: [], instances,
    });
  }
  return { kind: 'service_bundle', type: 'profile', name: 'extract', children };
}
