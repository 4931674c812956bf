// `svccfg`: import, export and edit the service configuration repository (smf-spec §7.3, §8,
// §9). The implementation lives in src/cli/svccfg/ (CLI side) and src/core/svccfg/ (the pure
// command language and verbs).
export async function run(argv: string[]): Promise<number> {
  const { main } = await import('./svccfg/main.js');
  return main(argv);
}
