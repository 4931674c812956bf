// Public types of the repository (svc.configd). Everything the CLIs and the restarter need to
// talk to the repository is declared here; the Repository class (repository.ts) implements it.
//
// Entities are named by FMRI strings: `svc:/SERVICE` or `svc:/SERVICE:INSTANCE` (also accepted:
// `svc://localhost/...`, `/SERVICE:INSTANCE`, `SERVICE:INSTANCE`). Expected failures are values
// (RepoResult); only broken invariants throw.
import type { Property, PropertyGroup, ServiceData } from '../core/model.js';

export type RepoErrorCode =
  | 'not-found'          // entity, pg, property or snapshot does not exist
  | 'exists'             // add of something that already exists
  | 'type-mismatch'      // setprop with a type differing from the existing property's
  | 'invalid'            // bad name, bad value for the type, bad argument
  | 'conflict'           // import: <dependent> pg already exists from another declarer
  | 'permission-denied'; // read-protected values requested without authorization

export interface RepoError { ok: false; code: RepoErrorCode; message: string }
export type RepoResult<T = undefined> = { ok: true; value: T } | RepoError;

/**
 * Which configuration a read sees (smf-spec §6.3, §6.4, §7.4).
 * - current-direct: the entity's own (editing) pgs, no composition (svccfg listprop, svcprop -C)
 * - current-composed: instance pgs over service pgs (svcprop -c)
 * - snapshot: composed snapshot NAME of an instance (svcprop -s NAME); with `level`, that
 *   snaplevel alone (svccfg selectsnap)
 * - effective: composed `running` snapshot + current NONPERSISTENT pgs; falls back to
 *   current-composed without a running snapshot (svcprop default). For a service = direct.
 */
export type View =
  | { kind: 'current-direct' }
  | { kind: 'current-composed' }
  | { kind: 'snapshot'; name: string; level?: SnapLevel }
  | { kind: 'effective' };

export const VIEW_DIRECT: View = { kind: 'current-direct' };
export const VIEW_COMPOSED: View = { kind: 'current-composed' };
export const VIEW_EFFECTIVE: View = { kind: 'effective' };
export const snapshotView = (name: string): View => ({ kind: 'snapshot', name });
/** One snaplevel of snapshot NAME, not composed (svccfg selectsnap + listpg shows the instance level). */
export const snapshotLevelView = (name: string, level: SnapLevel): View => ({ kind: 'snapshot', name, level });

/** The two levels of a snapshot (smf-spec §6.4): the instance's pgs and its service's pgs. */
export type SnapLevel = 'instance' | 'service';

/** Who is reading: uid 0 may read everything; others need one of the authorizations (§6.7). */
export interface Viewer { uid: number; auths: ReadonlySet<string> }
export const ROOT_VIEWER: Viewer = Object.freeze({ uid: 0, auths: new Set<string>() });
export const ANONYMOUS_VIEWER: Viewer = Object.freeze({ uid: 65534, auths: new Set<string>() });

export interface ReadOptions {
  /** default: current-direct */
  view?: View;
  /** default: ANONYMOUS_VIEWER (read-protected values withheld) */
  viewer?: Viewer;
}

/** A property as read: `protected` = values withheld (read authorization missing). */
export interface PropertyView extends Property { protected?: boolean }

export interface PgView {
  name: string;
  type: string;
  flags: number;
  /** bumped by every write to the pg; copied into snapshots */
  generation: number;
  properties: PropertyView[];
}

export interface SnapshotInfo { name: string; takenAt: number }

/** What import/apply take: the manifest layer's lowered bundle (core/manifest/lowered.ts). */
export type { DeclaredDependent, LoweredBundle, PropertyRef } from '../core/manifest/lowered.js';

export interface ImportOptions {
  /** recorded in the service's `manifestfiles` pg */
  manifestPath?: string;
  /** seconds since epoch used for snapshot timestamps (default: now) */
  now?: number;
  /**
   * svccfg restore (illumos SCI_NOSNAP): take no `last-import` snapshot and leave an existing
   * one as it is. An archive holds the administrator's values, which must not become the
   * baseline the next manifest import upgrades from.
   */
  noLastImport?: boolean;
}

export interface ImportReport {
  /** instances the restarter must be told about (imported + refreshed dependent targets), canonical FMRIs */
  notify: string[];
  /** instances created by this import */
  created: string[];
  /** human-readable warnings (admin customisations kept, ...) */
  warnings: string[];
  /**
   * New instances of new services, untouched by <dependent>s: the levels written for them, which
   * are also their running snapshot (viewsOfNewInstance turns them into what readInstanceViews
   * would read back). Canonical FMRI -> levels.
   */
  handover?: Map<string, NewInstanceLevels>;
}

/** The two levels of a new instance of a new service as an import wrote them (NONPERSISTENT pgs included). */
export interface NewInstanceLevels { instance: readonly PropertyGroup[]; service: readonly PropertyGroup[] }

export interface ApplyReport {
  notify: string[];
  /** entities named by the profile that do not exist (ignored, as svccfg apply does) */
  ignored: string[];
  warnings: string[];
}

/** Values of pg `restarter` the restarter maintains (§2.3). undefined = untouched, null = delete. */
export interface RestarterStateUpdate {
  state?: string | null;
  next_state?: string | null;
  auxiliary_state?: string | null;
  /** time, "SECONDS[.NANOS]" */
  state_timestamp?: string | null;
  contract?: number | bigint | null;
  transient_contract?: number | bigint | null;
  start_pid?: number | bigint | null;
  start_method_timestamp?: string | null;
  start_method_waitstatus?: number | bigint | null;
  logfile?: string | null;
  auxiliary_fmri?: string | null;
}

export const RESTARTER_ACTIONS = [
  'restart', 'refresh', 'maint_on', 'maint_on_immediate', 'maint_on_temporary', 'maint_on_immtemp',
  'maint_off', 'degraded', 'degrade_immediate', 'restore', 'do_dump',
] as const;
export type RestarterAction = (typeof RESTARTER_ACTIONS)[number];

/** Authorization properties of an entity (§6.7), composed (instance pg, else service pg). */
export interface EntityAuthorizations {
  /** general/action_authorization */
  action: string[];
  /** general/value_authorization */
  generalValue: string[];
  /** per pg name: its type and read/value/modify authorizations */
  pgs: Record<string, { type: string; read: string[]; value: string[]; modify: string[] }>;
}

export type { Property, PropertyGroup, ServiceData };
