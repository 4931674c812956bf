// svcs -x analysis and rendering (smf-spec §7.1, cases.md A1, A2.3, C1, C2, E1, F1, F2, G7, H1)
// and svcs -l (A2.1, J1). Pure: rows built by hand, a fixed file-state table, UTC.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse } from '../../src/core/listing/explain-analysis.js';
import { renderExplainBlock, waitStatusText } from '../../src/core/listing/explain-render.js';
import { explainJson } from '../../src/core/listing/json.js';
import { renderLong } from '../../src/core/listing/long.js';
import type { DependencyGroup, InstanceRow } from '../../src/core/listing/row.js';
import { utcLocal } from '../../src/core/listing/time-format.js';

const T = Date.UTC(2026, 10, 21, 10, 5, 4);
const inst = (fmriOrName: string, state: string, extra: Partial<InstanceRow> = {}): InstanceRow => {
  const fmri = fmriOrName.startsWith('svc:/') ? fmriOrName : `svc:/site/${fmriOrName}:default`;
  const [service, instance] = fmri.slice(5).split(':') as [string, string];
  return { fmri, service, instance, state, nextState: 'none', stateTime: T, contracts: [], dependencies: [],
    enabledPersistent: true, ...extra };
};
const dep = (grouping: string, restartOn: string, ...entities: string[]): DependencyGroup => ({
  name: `d${entities.length}${grouping}`, grouping, restartOn, type: entities[0]?.startsWith('file:') ? 'path' : 'service', entities,
});
const files = new Set<string>();
const explain = (rows: InstanceRow[], masterRunning = true) =>
  analyse({ rows, masterRunning, fileState: (p) => (files.has(p) ? 'present' : 'absent') });
const block = (rows: InstanceRow[], fmri: string, verbose = false, msgBase?: string) =>
  renderExplainBlock(fmri, explain(rows), { verbose, toLocal: utcLocal, msgBase });

const a1 = () => [
  inst('serverzone', 'online'),
  inst('checker', 'offline', { nextState: 'online', logfile: '/var/svc/log/site-checker:default.log',
    dependencies: [dep('require_all', 'none', 'svc:/site/serverzone:default')] }),
  inst('clientzone', 'offline', { dependencies: [dep('require_all', 'restart', 'svc:/site/checker:default')] }),
];

test('A1: only the checker is a root cause, start method running, impact 1', () => {
  const rows = a1();
  assert.deepEqual(explain(rows).rootCauses(), ['svc:/site/checker:default']);
  assert.deepEqual(block(rows, 'svc:/site/checker:default'), [
    'svc:/site/checker:default (?)',
    ' State: offline since Sat Nov 21 10:05:04 2026',
    'Reason: Start method is running.',
    '   See: /var/svc/log/site-checker:default.log',
    'Impact: 1 dependent service is not running.  (Use -v for list.)',
  ]);
  assert.deepEqual(block(rows, 'svc:/site/checker:default', true).slice(-2), [
    'Impact: 1 dependent service is not running:',
    '        svc:/site/clientzone:default',
  ]);
  assert.deepEqual(block(rows, 'svc:/site/clientzone:default', true), [
    'svc:/site/clientzone:default (?)',
    ' State: offline since Sat Nov 21 10:05:04 2026',
    'Reason: Service svc:/site/checker:default is starting.',
    '  Path: svc:/site/clientzone:default',
    '          svc:/site/checker:default',
    'Impact: This service is not running.',
  ]);
  assert.deepEqual(block(rows, 'svc:/site/serverzone:default'), [
    'svc:/site/serverzone:default (?)', ' State: online since Sat Nov 21 10:05:04 2026', 'Impact: None.',
  ]);
});

test('A1b: a long dependency reason wraps; fault threshold by SIGKILL', () => {
  const rows = a1();
  rows[1] = { ...rows[1]!, state: 'maintenance', nextState: 'none', auxState: 'fault_threshold_reached', startWaitStatus: 9 };
  const b = block(rows, 'svc:/site/clientzone:default');
  assert.deepEqual(b.slice(2, 4), ['Reason: Service svc:/site/checker:default', '        is not running because a method failed repeatedly.']);
  assert.equal(block(rows, 'svc:/site/checker:default')[2], 'Reason: Start method failed repeatedly, last died on Killed (9).');
  assert.equal(block(rows, 'svc:/site/checker:default', false, 'http://illumos.org/msg/')[3], '   See: http://illumos.org/msg/SMF-8000-KS');
});

test('C1/C2: maintenance reasons from the start method wait status', () => {
  assert.equal(waitStatusText(1 << 8), 'exited with status 1');
  assert.equal(waitStatusText(95 << 8), 'exited with $SMF_EXIT_ERR_FATAL');
  assert.equal(waitStatusText(96 << 8), 'exited with $SMF_EXIT_ERR_CONFIG');
  assert.equal(waitStatusText(6 | 0x80), 'dumped core on Abort (6)');
  const e1 = inst('e1', 'maintenance', { auxState: 'fault_threshold_reached', startWaitStatus: 256, logfile: '/var/svc/log/site-e1:default.log' });
  assert.deepEqual(block([e1], e1.fmri).slice(2), [
    'Reason: Start method failed repeatedly, last exited with status 1.',
    '   See: /var/svc/log/site-e1:default.log',
    'Impact: This service is not running.',
  ]);
  const e95 = inst('e95', 'maintenance', { auxState: 'method_failed', startWaitStatus: 95 << 8 });
  assert.equal(block([e95], e95.fmri)[2], 'Reason: Start method exited with $SMF_EXIT_ERR_FATAL.');
  const e99 = inst('e99', 'maintenance', { auxState: 'method_failed', startWaitStatus: 99 << 8 });
  assert.equal(block([e99], e99.fmri)[2], 'Reason: Start method exited with status 99.');
  const g5 = inst('g5', 'maintenance', { auxState: 'fault_threshold_reached', startWaitStatus: 0 });
  assert.equal(block([g5], g5.fmri)[2], 'Reason: Method failed repeatedly.');
  const rq = inst('rq', 'maintenance', { auxState: 'restarting_too_quickly' });
  assert.equal(block([rq], rq.fmri)[2], 'Reason: Restarting too quickly.');
});

test('A2.3: a present exclude_all file reads "is absent"; dependents see "has missing dependencies."', () => {
  files.add('/etc/zfs/noimport-pool');
  try {
    const rows = [
      inst('svc:/system/filesystem/local:default', 'online'),
      inst('pool-import', 'offline', { commonName: 'Import the main ZFS pool', logfile: '/var/svc/log/site-pool-import:default.log',
        dependencies: [dep('require_all', 'none', 'svc:/system/filesystem/local'),
          dep('exclude_all', 'none', 'file://localhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/.autolock.pool')] }),
      inst('svc:/network/smb/server:default', 'offline', { dependencies: [dep('require_all', 'restart', 'svc:/site/pool-import')] }),
      inst('svc:/system/zones:default', 'offline', { dependencies: [dep('require_all', 'restart', 'svc:/site/pool-import')] }),
    ];
    const a = explain(rows);
    assert.deepEqual(a.rootCauses(), ['svc:/site/pool-import:default']);
    assert.deepEqual(block(rows, 'svc:/site/pool-import:default'), [
      'svc:/site/pool-import:default (Import the main ZFS pool)',
      ' State: offline since Sat Nov 21 10:05:04 2026',
      'Reason: Dependency file://localhost/etc/zfs/noimport-pool is absent.',
      '   See: /var/svc/log/site-pool-import:default.log',
      'Impact: 2 dependent services are not running.  (Use -v for list.)',
    ]);
    assert.equal(block(rows, 'svc:/network/smb/server:default')[2],
      'Reason: Service svc:/site/pool-import:default has missing dependencies.');
    const j = explainJson('svc:/network/smb/server:default', a);
    assert.equal(j.reasons[0]!.code, 'SMF-8000-GE');
    assert.deepEqual(j.reasons[0]!.path, ['svc:/network/smb/server:default', 'svc:/site/pool-import:default']);
  } finally {
    files.delete('/etc/zfs/noimport-pool');
  }
});

test('F1/E1: a disabled dependency is the root cause; temporary disable has its own text', () => {
  const rows = [
    inst('x', 'disabled', { enabledPersistent: false }),
    inst('d', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/x:default')] }),
    inst('quiet', 'disabled', { enabledPersistent: false }),
  ];
  const a = explain(rows);
  assert.deepEqual(a.rootCauses(), ['svc:/site/x:default']);
  assert.deepEqual(block(rows, 'svc:/site/x:default').slice(2), [
    'Reason: Disabled by an administrator.',
    'Impact: 1 dependent service is not running.  (Use -v for list.)',
  ]);
  assert.equal(block(rows, 'svc:/site/d:default')[2], 'Reason: Service svc:/site/x:default is disabled.');
  rows[0] = { ...rows[0]!, enabledOverride: false };
  assert.equal(block(rows, 'svc:/site/x:default')[2], 'Reason: Temporarily disabled by an administrator.');
  assert.equal(block(rows, 'svc:/site/d:default')[2], 'Reason: Service svc:/site/x:default is temporarily disabled.');
});

test('F2: an absent dependency makes the dependent its own root cause', () => {
  const rows = [inst('d', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/ghost:default')] })];
  assert.deepEqual(explain(rows).rootCauses(), ['svc:/site/d:default']);
  assert.equal(block(rows, 'svc:/site/d:default')[2], 'Reason: Dependency svc:/site/ghost:default is absent.');
});

test('G7: require_any over two disabled instances lists both as root causes, most impact first', () => {
  const rows = [
    inst('d', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/a:default')] }),
    inst('a', 'offline', { dependencies: [dep('require_any', 'none', 'svc:/site/b:default', 'svc:/site/c:default'),
      dep('optional_all', 'none', 'svc:/site/o:default')] }),
    inst('b', 'disabled', { enabledPersistent: false }), inst('c', 'disabled', { enabledPersistent: false }),
    inst('o', 'disabled', { enabledPersistent: false }), inst('lonely', 'maintenance', { auxState: 'administrative_request' }),
  ];
  const a = explain(rows);
  assert.deepEqual(a.rootCauses(), ['svc:/site/b:default', 'svc:/site/c:default', 'svc:/site/lonely:default']);
  assert.deepEqual(a.impacted('svc:/site/b:default'), ['svc:/site/a:default', 'svc:/site/d:default']);
  assert.deepEqual(block(rows, 'svc:/site/d:default', true).slice(2, 8), [
    'Reason: Service svc:/site/b:default is disabled.',
    '  Path: svc:/site/d:default',
    '          svc:/site/a:default',
    '            svc:/site/b:default',
    'Reason: Service svc:/site/c:default is disabled.',
    '  Path: svc:/site/d:default',
  ]);
  assert.equal(block(rows, 'svc:/site/lonely:default')[2], 'Reason: Maintenance requested by an administrator.');
});

test('H1: the cycle closer in maintenance; the other member names it', () => {
  const rows = [
    inst('a', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/b:default')] }),
    inst('b', 'maintenance', { auxState: 'dependency_cycle', dependencies: [dep('require_all', 'none', 'svc:/site/a:default')] }),
  ];
  assert.equal(block(rows, 'svc:/site/b:default')[2], 'Reason: Completes a dependency cycle.');
  assert.equal(block(rows, 'svc:/site/a:default')[2], 'Reason: Service svc:/site/b:default completed a dependency cycle.');
});

test('uninitialized: restarter not running vs not yet initialized', () => {
  const rows = [inst('u', 'uninitialized')];
  assert.equal(renderExplainBlock('svc:/site/u:default', explain(rows, false), { verbose: false, toLocal: utcLocal })[2],
    'Reason: Restarter svc:/system/svc/restarter:default is not running.');
  assert.equal(block(rows, 'svc:/site/u:default')[2],
    'Reason: Restarter svc:/system/svc/restarter:default has not initialized service state.');
  assert.deepEqual(explain([inst('t', 'uninitialized', { enabledPersistent: undefined })]).rootCauses(), []);
});

test('-l: labels in 13 columns, temporary enable, one line per dependency group with live entity states', () => {
  const row = inst('pool-import', 'online', {
    commonName: 'Import the main ZFS pool', contracts: [123], logfile: '/var/svc/log/site-pool-import:default.log',
    stateTime: Date.UTC(2024, 10, 21, 10, 5, 3), enabledPersistent: false, enabledOverride: true,
    dependencies: [dep('require_all', 'none', 'svc:/system/filesystem/local'),
      dep('exclude_all', 'none', 'file://localhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/.autolock.pool')],
  });
  const lines = renderLong(row, {
    toLocal: utcLocal, fileState: () => 'absent',
    instanceState: (f) => (f === 'svc:/system/filesystem/local:default' ? 'online' : undefined),
    serviceInstances: (s) => (s === 'svc:/system/filesystem/local' ? ['svc:/system/filesystem/local:default'] : []),
  });
  assert.deepEqual(lines, [
    'fmri         svc:/site/pool-import:default',
    'name         Import the main ZFS pool',
    'enabled      true (temporary)',
    'state        online',
    'next_state   none',
    'state_time   Thu Nov 21 10:05:03 2024',
    'logfile      /var/svc/log/site-pool-import:default.log',
    'restarter    svc:/system/svc/restarter:default',
    'contract_id  123 ',
    'dependency   require_all/none svc:/system/filesystem/local (online)',
    'dependency   exclude_all/none file://localhost/etc/zfs/noimport-pool (absent) file://localhost/etc/zfs/.autolock.pool (absent)',
  ]);
});

test('potential satisfiability (svcadm enable -s exit 4): dead delegated restarter, disabled require, optional ok', () => {
  const rows = [
    inst('del', 'offline', { restarter: 'svc:/network/inetd:default' }),
    inst('svc:/network/inetd:default', 'maintenance'),
    inst('x', 'disabled', { enabledPersistent: false }),
    inst('needx', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/x:default')] }),
    inst('optx', 'offline', { dependencies: [dep('optional_all', 'none', 'svc:/site/x:default')] }),
    inst('chain', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/needx:default')] }),
  ];
  const a = explain(rows);
  assert.equal(a.canComeUp('svc:/site/del:default'), false);
  assert.equal(a.canComeUp('svc:/site/needx:default'), false);
  assert.equal(a.canComeUp('svc:/site/optx:default'), true);
  assert.equal(a.canComeUp('svc:/site/chain:default'), false);
  assert.equal(a.canComeUp('svc:/site/nope:default'), false);
});

test('State always says "since": an instance without a state_timestamp shows the epoch, as svcs -x does', () => {
  const row: InstanceRow = { ...inst('fresh', 'uninitialized'), stateTime: undefined };
  assert.equal(block([row], 'svc:/site/fresh:default')[1], ' State: uninitialized since Thu Jan  1 00:00:00 1970');
});

test('explain.c causes: a running excluded instance is the root cause; every missing dependency and cause is a Reason', () => {
  const rows = [
    inst('x3', 'online'),
    inst('ex1', 'offline', { dependencies: [dep('exclude_all', 'none', 'svc:/site/x3:default')] }),
    inst('x0', 'disabled', { enabledPersistent: false }),
    inst('dd1', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/x0:default')] }),
    inst('big', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/dd1:default', 'svc:/site/ghost:default')] }),
    inst('deg', 'degraded'),
    inst('un', 'uninitialized'),
    inst('needsun', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/un:default')] }),
    inst('lost', 'offline'),
    inst('sr', 'maintenance', { auxState: 'service_request' }),
    inst('onsr', 'offline', { dependencies: [dep('require_all', 'none', 'svc:/site/sr:default')] }),
  ];
  const a = explain(rows);
  // the excluded and the waiting instances are not listed; degraded and uninitialized ones only when someone waits on them
  assert.deepEqual(a.rootCauses(), ['svc:/site/x0:default', 'svc:/site/sr:default', 'svc:/site/un:default', 'svc:/site/x3:default', 'svc:/site/lost:default']);
  assert.deepEqual(a.impacted('svc:/site/x0:default'), ['svc:/site/big:default', 'svc:/site/dd1:default']);
  assert.deepEqual(block(rows, 'svc:/site/x3:default').slice(2), ['Impact: 1 dependent service is not running.  (Use -v for list.)']);
  assert.deepEqual(block(rows, 'svc:/site/ex1:default', false, 'http://illumos.org/msg/').slice(2, 4), [
    'Reason: Service svc:/site/x3:default is running.', '   See: http://illumos.org/msg/SMF-8000-FJ']);
  assert.deepEqual(block(rows, 'svc:/site/big:default', true).slice(2), [
    'Reason: Dependency svc:/site/ghost:default is absent.',
    'Reason: Service svc:/site/x0:default is disabled.',
    '  Path: svc:/site/big:default',
    '          svc:/site/dd1:default',
    '            svc:/site/x0:default',
    'Impact: This service is not running.',
  ]);
  assert.equal(block(rows, 'svc:/site/needsun:default')[2], 'Reason: Service svc:/site/un:default is uninitialized.');
  assert.deepEqual(block(rows, 'svc:/site/lost:default', false, 'http://illumos.org/msg/').slice(2, 4), ['Reason: Unknown.', '   See: http://illumos.org/msg/SMF-8000-AR']);
  assert.equal(block(rows, 'svc:/site/onsr:default')[2], 'Reason: Service svc:/site/sr:default requires maintenance.');
  assert.equal(block(rows, 'svc:/site/deg:default')[2], 'Reason: Degraded by an administrator.');
});

test('explain.c restarters: a delegated restarter that does not exist, or is not running', () => {
  const rows = [
    inst('gone', 'uninitialized', { restarter: 'svc:/site/nowhere:default' }),
    inst('r', 'disabled', { enabledPersistent: false }),
    inst('del', 'uninitialized', { restarter: 'svc:/site/r:default' }),
    inst('off', 'offline', { restarter: 'svc:/site/r:default' }),
  ];
  assert.equal(block(rows, 'svc:/site/gone:default')[2], 'Reason: Restarter "svc:/site/nowhere:default" does not exist.');
  assert.equal(block(rows, 'svc:/site/del:default')[2], 'Reason: Restarter svc:/site/r:default is not running.');
  // an offline instance explained by nothing else takes its stopped restarter's causes
  assert.equal(block(rows, 'svc:/site/off:default')[2], 'Reason: Service svc:/site/r:default is disabled.');
  assert.deepEqual(explain(rows).rootCauses(), ['svc:/site/r:default']);
});

test('template references: title(section), with -v the man command (explain.c print_manpage)', () => {
  const rows = [inst('doc', 'online', { docs: [
    { kind: 'man', title: 'init', section: '8', manpath: '/usr/share/man' },
    { kind: 'man', title: 'v1d', section: '8', manpath: ':default' },
    { kind: 'man', title: 'nopath', section: '1' },
    { kind: 'uri', uri: 'http://example.org/doc' },
  ] })];
  assert.deepEqual(block(rows, 'svc:/site/doc:default').slice(2, 6),
    ['   See: init(8)', '   See: v1d(8)', '   See: nopath(1)', '   See: http://example.org/doc']);
  assert.deepEqual(block(rows, 'svc:/site/doc:default', true).slice(2, 5),
    ['   See: man -M /usr/share/man -s 8 init', '   See: man -M /usr/share/man -s 8 v1d', '   See: http://example.org/doc']);
});
