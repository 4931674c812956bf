// Files shipped with this package (manifests/, share/), under the package root that
// adapters/package-root.ts finds upwards from this module: works from src/ (tsx), from dist/ (the
// bundle) and from an npm install.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageRoot } from '../adapters/package-root.js';

/** <package root>/<parts...> when it exists, else undefined. */
export function packagePath(...parts: string[]): string | undefined {
  const root = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
  if (!root) return undefined;
  const p = path.join(root, ...parts);
  return fs.existsSync(p) ? p : undefined;
}
