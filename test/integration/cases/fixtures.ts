// Fixtures of the cases.md scenarios: service manifests generated from a compact description
// (conventions of cases.md: T/C/W models, `count` start counters, :kill / :true stop methods) and
// the shell-script method programs, all inside the test's temporary root.
import fs from 'node:fs';
import path from 'node:path';

export type Model = 'transient' | 'contract' | 'child';

export interface DepSpec {
  name?: string;
  grouping: 'require_all' | 'require_any' | 'optional_all' | 'exclude_all';
  restartOn: 'none' | 'error' | 'restart' | 'refresh';
  /** svc: FMRIs, or file:// FMRIs (then the group type is path) */
  entities: string[];
}

export interface ServiceSpec {
  /** service name, e.g. "site/checker" */
  name: string;
  model: Model;
  enabled?: boolean;
  start: string;
  stop?: string;
  refresh?: string;
  startTimeout?: number;
  stopTimeout?: number;
  deps?: DepSpec[];
  dependents?: DepSpec[];
  commonName?: string;
  /** extra application pgs: pg -> [name, type, value or values][] (an array becomes a TYPE_list) */
  pgs?: Record<string, [string, string, string | string[]][]>;
  /** attributes override="true" on those propvals ("pg/prop") */
  overrides?: string[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function manifestXml(s: ServiceSpec): string {
  const lines = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">',
    `<service_bundle type="manifest" name="${esc(s.name.replace(/\//g, '-'))}">`,
    `  <service name="${esc(s.name)}" type="service" version="1">`,
    `    <create_default_instance enabled="${s.enabled === false ? 'false' : 'true'}"/>`,
  ];
  (s.deps ?? []).forEach((d, i) => {
    const type = d.entities[0]?.startsWith('file:') ? 'path' : 'service';
    lines.push(`    <dependency name="${d.name ?? `dep${i}`}" grouping="${d.grouping}" restart_on="${d.restartOn}" type="${type}">`);
    for (const e of d.entities) lines.push(`      <service_fmri value="${esc(e)}"/>`);
    lines.push('    </dependency>');
  });
  (s.dependents ?? []).forEach((d, i) => {
    lines.push(`    <dependent name="${d.name ?? `dependent${i}`}" grouping="${d.grouping}" restart_on="${d.restartOn}">`);
    for (const e of d.entities) lines.push(`      <service_fmri value="${esc(e)}"/>`);
    lines.push('    </dependent>');
  });
  const defaultStop = s.model === 'transient' ? ':true' : ':kill';
  lines.push(`    <exec_method type="method" name="start" exec="${esc(s.start)}" timeout_seconds="${s.startTimeout ?? 60}"/>`);
  lines.push(`    <exec_method type="method" name="stop" exec="${esc(s.stop ?? defaultStop)}" timeout_seconds="${s.stopTimeout ?? 60}"/>`);
  if (s.refresh) lines.push(`    <exec_method type="method" name="refresh" exec="${esc(s.refresh)}" timeout_seconds="60"/>`);
  if (s.model !== 'contract') {
    lines.push('    <property_group name="startd" type="framework">');
    lines.push(`      <propval name="duration" type="astring" value="${s.model}"/>`);
    lines.push('    </property_group>');
  }
  for (const [pg, props] of Object.entries(s.pgs ?? {})) {
    lines.push(`    <property_group name="${esc(pg)}" type="application">`);
    for (const [n, t, v] of props) {
      const override = s.overrides?.includes(`${pg}/${n}`) ? ' override="true"' : '';
      if (typeof v === 'string') { lines.push(`      <propval name="${esc(n)}" type="${t}" value="${esc(v)}"${override}/>`); continue; }
      lines.push(`      <property name="${esc(n)}" type="${t}"${override}>`, `        <${t}_list>`);
      for (const x of v) lines.push(`          <value_node value="${esc(x)}"/>`);
      lines.push(`        </${t}_list>`, '      </property>');
    }
    lines.push('    </property_group>');
  }
  lines.push('    <stability value="Unstable"/>');
  if (s.commonName) {
    lines.push('    <template>', `      <common_name><loctext xml:lang="C">${esc(s.commonName)}</loctext></common_name>`, '    </template>');
  }
  lines.push('  </service>', '</service_bundle>', '');
  return lines.join('\n');
}

/** A scenario workspace below the test root: scripts, manifests, start counters, probe files. */
export class Workspace {
  readonly bin: string;
  readonly manifests: string;
  readonly counters: string;

  constructor(readonly root: string) {
    this.bin = path.join(root, 'fixture-bin');
    this.manifests = path.join(root, 'fixture-manifests');
    this.counters = path.join(root, 'fixture-counters');
    for (const d of [this.bin, this.manifests, this.counters]) fs.mkdirSync(d, { recursive: true });
  }

  /** Writes an executable /bin/sh script and returns its path. */
  script(name: string, body: string): string {
    const p = path.join(this.bin, name);
    fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return p;
  }

  /** A start method per cases.md: optional `count` prefix, then the behaviour. */
  method(name: string, behaviour: string, opts: { count?: boolean } = {}): string {
    const counter = path.join(this.counters, `${name}.starts`);
    const prefix = opts.count ? `echo start >> '${counter}'\n` : '';
    return this.script(`${name}-start`, prefix + behaviour);
  }

  starts(name: string): number {
    try {
      return fs.readFileSync(path.join(this.counters, `${name}.starts`), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  }

  manifest(spec: ServiceSpec): string {
    const p = path.join(this.manifests, `${spec.name.replace(/\//g, '-')}.xml`);
    fs.writeFileSync(p, manifestXml(spec));
    return p;
  }

  file(rel: string): string {
    const p = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    return p;
  }
}

export const BEHAVIOUR = {
  ok: 'exit 0',
  exit: (n: number) => `exit ${n}`,
  sleep: (s: number) => `sleep ${s}\nexit 0`,
  /** a background process that runs forever (C model) */
  daemon: 'sleep 100000 >/dev/null 2>&1 &\nexit 0',
  loopUntil: (file: string) => `until [ -f '${file}' ]; do sleep 0.2; done\nexit 0`,
};
