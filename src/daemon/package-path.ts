// Files shipped with this package (manifests/, share/), found by walking up from this module to
// the directory holding package.json: works from src/ (tsx) and from dist/ (the bundle).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** <package root>/<parts...> when it exists, else undefined. */
export function packagePath(...parts: string[]): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const cand = path.join(dir, ...parts);
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(cand)) return cand;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
