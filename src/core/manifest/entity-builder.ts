// Accumulates property groups for one service or instance while a bundle is lowered, with the
// svccfg rules: find-or-create a pg by name (a different type is a conflict), a property may be
// defined once per pg. Every problem becomes a Diagnostic pointing at the element (file:line).
import type { Property, PropertyGroup, PropertyType } from '../model.js';
import { canonicalValue } from '../values.js';
import { checkName } from '../fmri.js';
import type { Diagnostic, Loc } from './bundle.js';

export class Diags {
  readonly list: Diagnostic[] = [];
  constructor(readonly file: string) {}
  error(loc: Loc | undefined, message: string): void {
    this.list.push({ severity: 'error', file: loc?.file ?? this.file, line: loc?.line ?? 0, column: loc?.column ?? 0, path: loc?.path ?? '', message });
  }
  warn(loc: Loc | undefined, message: string): void {
    this.list.push({ severity: 'warning', file: loc?.file ?? this.file, line: loc?.line ?? 0, column: loc?.column ?? 0, path: loc?.path ?? '', message });
  }
}

export class EntityBuilder {
  readonly pgs: PropertyGroup[] = [];
  constructor(readonly fmri: string, readonly diags: Diags) {}

  findPg(name: string): PropertyGroup | undefined {
    return this.pgs.find((p) => p.name === name);
  }

  /** Find or create; a type mismatch is reported (the existing pg is returned anyway). */
  pg(name: string, type: string, loc: Loc | undefined): PropertyGroup {
    const found = this.findPg(name);
    if (found) {
      if (found.type !== type) {
        this.diags.error(loc, `property group '${name}' of ${this.fmri} is declared with type '${type}' but already exists with type '${found.type}'; use one type`);
      }
      return found;
    }
    const err = checkName(name, 'property group');
    if (err) this.diags.error(loc, `${err} (in ${this.fmri})`);
    const pg: PropertyGroup = { name, type, flags: 0, properties: [] };
    this.pgs.push(pg);
    return pg;
  }

  /** Create a pg that must not exist yet (templates). */
  newPg(name: string, type: string, loc: Loc | undefined, what: string): PropertyGroup | undefined {
    if (this.findPg(name)) {
      this.diags.error(loc, `${what}: property group '${name}' already exists in ${this.fmri}; make the declaration unique`);
      return undefined;
    }
    return this.pg(name, type, loc);
  }

  /** Attach a property with already-canonical values. */
  put(pg: PropertyGroup, name: string, type: PropertyType, values: string[], loc: Loc | undefined): Property | undefined {
    if (pg.properties.some((p) => p.name === name)) {
      this.diags.error(loc, `property '${pg.name}/${name}' of ${this.fmri} is defined more than once; remove the duplicate`);
      return undefined;
    }
    const err = checkName(name, 'property');
    if (err) this.diags.error(loc, `${err} (property group '${pg.name}' of ${this.fmri})`);
    const p: Property = { name, type, values };
    pg.properties.push(p);
    return p;
  }

  /** Validate values of a type through values.ts, then attach. */
  putChecked(pg: PropertyGroup, name: string, type: PropertyType, raw: string[], loc: Loc | undefined): Property | undefined {
    const out: string[] = [];
    for (const v of raw) {
      if (type === 'boolean' && v !== 'true' && v !== 'false') {
        this.diags.error(loc, `property '${pg.name}/${name}': boolean value "${v}" in a manifest must be literally true or false`);
        return undefined;
      }
      const r = canonicalValue(type, v, { decimalOnly: true });
      if (!r.ok) {
        this.diags.error(loc, `property '${pg.name}/${name}' of ${this.fmri}: ${r.error}`);
        return undefined;
      }
      out.push(r.value);
    }
    return this.put(pg, name, type, out, loc);
  }

  /** Append a value to a property (creating it at first use): template ranges, names. */
  append(pg: PropertyGroup, name: string, type: PropertyType, value: string): void {
    const p = pg.properties.find((x) => x.name === name);
    if (p) p.values.push(value);
    else pg.properties.push({ name, type, values: [value] });
  }
}
