// Public entry point of the repository (svc.configd): the only module that touches SQLite.
// Usage:
//   const repo = Repository.openOrThrow(repositoryPath(root));          // or Repository.open() -> RepoResult
//   repo.importBundle(lowered, { manifestPath })                        // svccfg import
//   repo.getProperty(fmri, 'start', 'exec', { view: VIEW_EFFECTIVE })   // svcprop
//   repo.writeRestarterStates([{ fmri, state: { state: 'online', next_state: 'none' } }])
// See docs/DESIGN-repository.md for the schema and the semantics of each operation.
export { Repository, type OpenOptions } from './repository.js';
export * from './types.js';
export { parseEntity, entityFmri, isValidName, isValidServiceName, type EntityName } from './names.js';
export { SCHEMA_VERSION } from './schema.js';
export { MAX_VALUE_BYTES } from './encode.js';
export { isReadProtected, mayRead } from './read.js';
export type { InstanceSummary, RestarterSummaryProp } from './summaries.js';
export { viewsOfNewInstance, type InstanceViews, type BulkReadOptions } from './bulk-read.js';
