// The typed Bundle tree: one interface per element of service_bundle.dtd.1, one field per
// attribute (DTD attribute names, `xml:lang` -> `lang`) and per child slot (camelCase).
//
// Invariants:
// - Every node has `kind` = its element name; `loc` (file/line/column/element path) is set
//   by the parser and ignored by the writer.
// - Absent attributes stay undefined (DTD defaults are applied by the consumers through
//   attrDefault() in dtd.ts), so parse -> write reproduces exactly what was written.
// - Child arrays keep document order; slots follow DTD order (the writer relies on it).
import type { PropertyType } from '../model.js';

export interface Loc {
  file: string;
  line: number;
  column: number;
  /** element path, e.g. /service_bundle/service[site/pool-import]/exec_method[start] */
  path: string;
}
interface N { loc?: Loc }

export type Bool = 'true' | 'false';
export type StabilityValue = 'Standard' | 'Stable' | 'Evolving' | 'Unstable' | 'External' | 'Obsolete';
export type Grouping = 'require_all' | 'require_any' | 'exclude_all' | 'optional_all';
export type RestartOn = 'error' | 'restart' | 'refresh' | 'none';

export interface ServiceBundle extends N {
  kind: 'service_bundle';
  type: string; // manifest | profile | archive (CDATA in the DTD)
  name: string;
  children: (ServiceBundle | Service | XiInclude)[];
}
/** Raw element kept for xi:fallback's ANY content. */
export interface RawElement { name: string; attrs: [string, string][]; children: RawElement[]; text: string }
export interface XiFallback extends N { kind: 'xi:fallback'; content: RawElement[] }
export interface XiInclude extends N {
  kind: 'xi:include';
  href: string;
  parse?: 'xml' | 'text';
  encoding?: string;
  fallback?: XiFallback;
}
export interface Stability extends N { kind: 'stability'; value: StabilityValue }
export interface ValueNode extends N { kind: 'value_node'; value: string }
export type ValueListKind = `${PropertyType}_list`;
export interface ValueList extends N { kind: ValueListKind; values: ValueNode[] }
export interface PropertyEl extends N {
  kind: 'property';
  name: string;
  type?: PropertyType;
  override?: Bool;
  list?: ValueList;
}
export interface Propval extends N {
  kind: 'propval';
  name: string;
  type?: PropertyType;
  value: string;
  override?: Bool;
}
export type PropertyChild = Propval | PropertyEl;
export interface PropertyGroupEl extends N {
  kind: 'property_group';
  name: string;
  type?: string;
  delete?: Bool;
  stability?: Stability;
  properties: PropertyChild[];
}
export interface ServiceFmri extends N { kind: 'service_fmri'; value: string }
export interface Dependency extends N {
  kind: 'dependency';
  name: string;
  grouping: Grouping;
  restart_on: RestartOn;
  type: string;
  delete?: Bool;
  serviceFmris: ServiceFmri[];
  stability?: Stability;
  properties: PropertyChild[];
}
export interface Dependent extends N {
  kind: 'dependent';
  name: string;
  grouping: Grouping;
  restart_on: RestartOn;
  delete?: Bool;
  override?: Bool;
  serviceFmri: ServiceFmri;
  stability?: Stability;
  properties: PropertyChild[];
}
export interface Envvar extends N { kind: 'envvar'; name: string; value: string }
export interface MethodEnvironment extends N { kind: 'method_environment'; envvars: Envvar[] }
export interface MethodProfile extends N { kind: 'method_profile'; name: string }
export interface MethodCredential extends N {
  kind: 'method_credential';
  user: string;
  group?: string;
  supp_groups?: string;
  privileges?: string;
  limit_privileges?: string;
}
export interface MethodContext extends N {
  kind: 'method_context';
  working_directory?: string;
  project?: string;
  resource_pool?: string;
  security_flags?: string;
  credential?: MethodProfile | MethodCredential;
  environment?: MethodEnvironment;
}
export interface ExecMethod extends N {
  kind: 'exec_method';
  name: string;
  type: 'method' | 'monitor';
  exec: string;
  timeout_seconds: string;
  delete?: Bool;
  methodContext?: MethodContext;
  stability?: Stability;
  properties: PropertyChild[];
}
export interface Restarter extends N { kind: 'restarter'; serviceFmri: ServiceFmri }
export interface DocLink extends N { kind: 'doc_link'; name: string; uri: string }
export interface Manpage extends N { kind: 'manpage'; title: string; section: string; manpath?: string }
export interface Documentation extends N { kind: 'documentation'; links: (DocLink | Manpage)[] }
export interface Loctext extends N { kind: 'loctext'; lang: string; text: string }
export interface CommonName extends N { kind: 'common_name'; loctexts: Loctext[] }
export interface Description extends N { kind: 'description'; loctexts: Loctext[] }
export interface Units extends N { kind: 'units'; loctexts: Loctext[] }
export interface Visibility extends N { kind: 'visibility'; value: 'hidden' | 'readonly' | 'readwrite' }
export interface ValueEl extends N { kind: 'value'; name: string; commonName?: CommonName; description?: Description }
export interface Values extends N { kind: 'values'; values: ValueEl[] }
export interface Cardinality extends N { kind: 'cardinality'; min?: string; max?: string }
export interface InternalSeparators extends N { kind: 'internal_separators'; text: string }
export interface Range extends N { kind: 'range'; min: string; max: string }
export interface Constraints extends N { kind: 'constraints'; values: ValueEl[]; ranges: Range[] }
export interface IncludeValues extends N { kind: 'include_values'; type: 'constraints' | 'values' }
export interface Choices extends N { kind: 'choices'; values: ValueEl[]; ranges: Range[]; includeValues: IncludeValues[] }
export interface PropPattern extends N {
  kind: 'prop_pattern';
  name: string;
  type?: PropertyType;
  required?: Bool;
  commonName?: CommonName;
  description?: Description;
  units?: Units;
  visibility?: Visibility;
  cardinality?: Cardinality;
  internalSeparators?: InternalSeparators;
  values?: Values;
  constraints?: Constraints;
  choices?: Choices;
}
export interface PgPattern extends N {
  kind: 'pg_pattern';
  name?: string;
  type?: string;
  target?: 'this' | 'instance' | 'delegate' | 'all';
  required?: Bool;
  commonName?: CommonName;
  description?: Description;
  propPatterns: PropPattern[];
}
export interface Template extends N {
  kind: 'template';
  commonName: CommonName;
  description?: Description;
  documentation?: Documentation;
  pgPatterns: PgPattern[];
}
export interface Paramval extends N { kind: 'paramval'; name: string; value: string }
export interface Parameter extends N { kind: 'parameter'; name: string; values: ValueNode[] }
export interface EventEl extends N { kind: 'event'; value: string }
export interface TypeEl extends N { kind: 'type'; name: string; active?: Bool; params: (Parameter | Paramval)[] }
export interface NotificationParameters extends N { kind: 'notification_parameters'; event: EventEl; types: TypeEl[] }
export interface CreateDefaultInstance extends N { kind: 'create_default_instance'; enabled: Bool }
export interface SingleInstance extends N { kind: 'single_instance' }
/** Children a service and an instance both have, in DTD order. */
export interface EntityChildren {
  restarter?: Restarter;
  dependencies: Dependency[];
  dependents: Dependent[];
  methodContext?: MethodContext;
  execMethods: ExecMethod[];
  notificationParameters: NotificationParameters[];
  propertyGroups: PropertyGroupEl[];
}
export interface Instance extends N, EntityChildren {
  kind: 'instance';
  name: string;
  /** required in manifests; a profile may leave it out (enabled state untouched) */
  enabled?: Bool;
  template?: Template;
}
export interface Service extends N, EntityChildren {
  kind: 'service';
  name: string;
  version: string;
  type: 'service' | 'restarter' | 'milestone';
  createDefaultInstance?: CreateDefaultInstance;
  singleInstance?: SingleInstance;
  instances: Instance[];
  stability?: Stability;
  template?: Template;
}

export type BundleNode =
  | ServiceBundle | XiInclude | XiFallback | Stability | ValueNode | ValueList | PropertyEl | Propval
  | PropertyGroupEl | ServiceFmri | Dependency | Dependent | Envvar | MethodEnvironment | MethodProfile
  | MethodCredential | MethodContext | ExecMethod | Restarter | DocLink | Manpage | Documentation
  | Loctext | CommonName | Description | Units | Visibility | ValueEl | Values | Cardinality
  | InternalSeparators | Range | Constraints | IncludeValues | Choices | PropPattern | PgPattern
  | Template | Paramval | Parameter | EventEl | TypeEl | NotificationParameters
  | CreateDefaultInstance | SingleInstance | Instance | Service;

/** A problem found in a bundle: where (file:line:column + element path) and what to do. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return `${where}: ${d.severity}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
}

/** Every service in a bundle, nested bundles included, in document order. */
export function bundleServices(b: ServiceBundle): Service[] {
  const out: Service[] = [];
  for (const c of b.children) {
    if (c.kind === 'service') out.push(c);
    else if (c.kind === 'service_bundle') out.push(...bundleServices(c));
  }
  return out;
}
