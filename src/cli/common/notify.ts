// Tells a running restarter that repository content changed (svccfg import/refresh/apply/delete).
// Placeholder until the control protocol lands: owned by the daemon/protocol work, which replaces the body.
// Must never fail the caller: if no daemon runs, the change is picked up when it starts.
export async function notifyRestarter(root: string, fmris: string[]): Promise<{ delivered: boolean }> {
  void root; void fmris;
  return { delivered: false };
}
