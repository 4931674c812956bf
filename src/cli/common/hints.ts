// Whether a command adds explanatory hint lines to SMF's own messages: for a person at a terminal
// (stderr is a TTY), or when TSMF_HINTS=1 asks for them. Scripts reading stderr get SMF's text only.
export function hintsWanted(): boolean {
  const env = process.env.TSMF_HINTS;
  if (env === '1') return true;
  if (env === '0') return false;
  return process.stderr.isTTY === true;
}
