// Plumbing shared by the helper processes the daemon talks to over pipes (spawn-helper.ts,
// native-spawner.ts): line-by-line reading of a child's stdout, and whether the child keeps the
// event loop alive.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Calls onLine for every complete '\n'-terminated line read from the stream (utf8), in order. */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    buf += d;
    let start = 0;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n', start)) {
      onLine(buf.slice(start, i));
      start = i + 1;
    }
    buf = buf.slice(start);
  });
}

/** Refs (keeps the event loop alive for) or unrefs a child process and its stdio pipes. */
export function holdChild(p: ChildProcess, on: boolean): void {
  for (const h of [p, p.stdout, p.stdin] as unknown as { ref?: () => void; unref?: () => void }[]) {
    if (on) h?.ref?.(); else h?.unref?.();
  }
}
