// The installed package's root directory (where binding.gyp and build/ are), found upwards from a
// module's own location: works from src/ (tsx), from dist/ bundles and from an npm install.
import fs from 'node:fs';
import path from 'node:path';

export function findPackageRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'binding.gyp')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** First existing build/Release|Debug/<name> of the package, if any. */
export function findBuiltArtifact(start: string, name: string): string | undefined {
  const root = findPackageRoot(start);
  if (!root) return undefined;
  for (const kind of ['Release', 'Debug']) {
    const file = path.join(root, 'build', kind, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}
