// `svccfg`: import, export and edit the service configuration repository (smf-spec §7.3, §8,
// §9). The implementation lives in src/cli/svccfg/ (CLI side) and src/core/svccfg/ (the pure
// command language and verbs).
import v8 from 'node:v8';
import { tuneTiering } from './common/v8-tiering.js';

export async function run(argv: string[]): Promise<number> {
  // Importing thousands of services allocates many short-lived objects (XML tree, typed bundle):
  // a small young generation keeps the peak RSS down and costs no time (measured: 5,000
  // services 195 -> 160 MiB and slightly faster; see docs/DESIGN-repository.md, "Import speed").
  v8.setFlagsFromString('--max-semi-space-size=2');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  tuneTiering(); // a 1,000-service import: 0.27-0.31 -> 0.24-0.29 s, 15-25 % less CPU
  const { main } = await import('./svccfg/main.js');
  return main(argv);
}
