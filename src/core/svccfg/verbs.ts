// The svccfg command table: pure verbs (navigation, editing, environment, describe) plus the
// verbs the CLI supplies (import/export/... need files and the manifest layer). Pure.
import { describe } from './describe.js';
import { EDIT_VERBS } from './edit-verbs.js';
import { ENV_VERBS } from './env-verbs.js';
import { NAV_VERBS } from './nav-verbs.js';
import type { Verb } from './session.js';

export function verbTable(extra: readonly Verb[] = []): Map<string, Verb> {
  const m = new Map<string, Verb>();
  for (const v of [...NAV_VERBS, ...EDIT_VERBS, ...ENV_VERBS, describe, ...extra]) m.set(v.name, v);
  return m;
}
