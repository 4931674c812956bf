// Method layer, pure part: token expansion with shell quoting, exec-string classification,
// method environment and method context, log-line format. See docs/methods.md.
export * from './tokens.js';
export * from './shell-quote.js';
export * from './exec.js';
export * from './signals.js';
export * from './environment.js';
export * from './context.js';
export * from './privileges.js';
export * from './log-line.js';
