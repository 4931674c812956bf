// Live state of a file dependency (smf-spec §1.2): a plain stat() that follows symlinks; any file
// type counts as present; ENOENT is absent, any other error unknown.
import fs from 'node:fs';
import type { FileState } from '../../core/listing/long.js';

export function fileState(p: string): FileState {
  try {
    fs.statSync(p);
    return 'present';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unknown';
  }
}
