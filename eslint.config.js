// Lint: the one rule we hold to in code review, enforced. src/core is pure: no filesystem, process,
// network or database access may be imported there (side effects live behind ports in src/adapters).
import tseslint from 'typescript-eslint';

const SIDE_EFFECT_MODULES = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process',
  'net', 'node:net', 'dgram', 'node:dgram', 'http', 'node:http', 'https', 'node:https',
  'os', 'node:os', 'process', 'node:process', 'worker_threads', 'node:worker_threads',
  'cluster', 'node:cluster', 'better-sqlite3', 'tls', 'node:tls', 'readline', 'node:readline',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: SIDE_EFFECT_MODULES.map((name) => ({ name, message: 'src/core is pure: put side effects behind a port (src/ports) with an adapter (src/adapters).' })),
        patterns: [{ group: ['**/adapters/**', '**/repository/**', '**/daemon/**', '**/cli/**'], message: 'src/core must not depend on outer layers.' }],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core is pure: pass configuration in.' }],
    },
  },
);
