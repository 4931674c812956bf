// `editprop`: writes the selection's properties as commented svccfg commands to a temporary
// file, runs $EDITOR (else $VISUAL, else vi) on it, then runs the file's commands on the
// selection (errors name the temporary file and line).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editpropText } from '../../core/svccfg/editprop.js';
import { visiblePgs } from '../../core/svccfg/edit-verbs.js';
import { tokenize } from '../../core/svccfg/lexer.js';
import { fail, needEditable, runCommands, usage, type Verb } from '../../core/svccfg/session.js';

export const editprop: Verb = {
  name: 'editprop', usage: 'editprop', summary: 'edit the properties of the selection in $EDITOR',
  async run(args, s) {
    if (args.length) return usage(s, editprop);
    const e = needEditable(s, 'editprop');
    if (!e) return 1;
    const pgs = visiblePgs(s, e) ?? [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svccfg-editprop-'));
    const file = path.join(dir, 'properties.svccfg');
    try {
      fs.writeFileSync(file, editpropText(pgs), { mode: 0o600 });
      const editor = process.env.EDITOR || process.env.VISUAL || 'vi';
      // the editor command may carry arguments (EDITOR="code -w"), as sh would split it
      const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editprop', file], { stdio: 'inherit' });
      if (r.status !== 0) return fail(s, `editprop: the editor (${editor}) exited with status ${r.status ?? r.signal}; nothing changed.`);
      const lexed = tokenize(fs.readFileSync(file, 'utf8'));
      if (!lexed.ok) return fail(s, `editprop: ${file}:${lexed.line}: ${lexed.message}; nothing changed.`);
      const saved = { file: s.file, line: s.line };
      s.file = file;
      try {
        return await runCommands(s, lexed.commands);
      } finally {
        s.file = saved.file;
        s.line = saved.line;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
