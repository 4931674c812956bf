// Pure parts of the control protocol, table-driven: message validation at the socket edge, the
// authorization decision (smf-spec §6.7) and user_attr / group grants. (Pure, so it could live in
// test/unit; it sits here with the other daemon tests because that is where this module's tests are.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authorize, authorizeAdminFmri, authsFor, hasAuth, parseHello, parseRequest, parseUserAttr,
  type AdminRequest, type Caller, type InstanceAuthData, type Request,
} from '../../src/core/protocol/index.js';

const F = 'svc:/site/web:default';
const none: InstanceAuthData = { action: [], modifyGeneral: [], valueGeneral: [] };
const caller = (auths: string[], uid = 1000): Caller => ({ uid, gid: 1000, pid: 42, user: 'alice', auths });
const admin = (action: AdminRequest['action'], extra: Partial<AdminRequest> = {}): Request => ({ type: 'admin', id: 1, action, fmris: [F], ...extra });

describe('edge validation', () => {
  test('hello', () => {
    assert.deepEqual(parseHello({ type: 'hello', v: 1, client: 'svcadm' }), { ok: true, value: { type: 'hello', v: 1, client: 'svcadm' } });
    const cases: [unknown, string][] = [
      [{ type: 'hello', v: 2, client: 'x' }, 'unsupported_version'],
      [{ type: 'admin', id: 1 }, 'not_hello'],
      [{ type: 'hello', v: '1', client: 'x' }, 'bad_request'],
      [{ type: 'hello', v: 1 }, 'bad_request'],
      [[1, 2], 'bad_request'],
    ];
    for (const [msg, code] of cases) {
      const r = parseHello(msg);
      assert.equal(r.ok, false, JSON.stringify(msg));
      assert.equal(!r.ok && r.error.code, code, JSON.stringify(msg));
    }
  });

  test('requests', () => {
    const good: unknown[] = [
      { type: 'refresh', id: 1, fmris: [] },
      { type: 'admin', id: 2, action: 'enable', fmris: [F], temporary: true },
      { type: 'admin', id: 3, action: 'mark', fmris: [F], flags: { state: 'maintenance', immediate: true, tty: false } },
      { type: 'admin', id: 4, action: 'milestone', fmris: ['all'], flags: { persistent: true } },
      { type: 'status', id: 5 },
      { type: 'shutdown', id: 6, stopServices: false },
      { type: 'import', id: 7, file: '/var/svc/manifest/site/web.xml', strict: true, verbose: false, noValidate: true, dtd: '/x.dtd' },
    ];
    for (const m of good) assert.equal(parseRequest(m).ok, true, JSON.stringify(m));
    const bad: [unknown, number | null, RegExp][] = [
      [{ type: 'admin', action: 'enable', fmris: [F] }, null, /id/],
      [{ type: 'admin', id: 7, action: 'explode', fmris: [F] }, 7, /admin.action/],
      [{ type: 'admin', id: 8, action: 'enable', fmris: [] }, 8, /must not be empty/],
      [{ type: 'admin', id: 9, action: 'enable', fmris: ['a\nb'] }, 9, /newline/],
      [{ type: 'admin', id: 10, action: 'mark', fmris: [F] }, 10, /flags.state/],
      [{ type: 'admin', id: 11, action: 'milestone', fmris: ['a', 'b'] }, 11, /exactly one/],
      [{ type: 'admin', id: 12, action: 'enable', fmris: [F], temporary: 'yes' }, 12, /temporary must be a boolean/],
      [{ type: 'hello', id: 13, v: 1, client: 'x' }, 13, /already/],
      [{ type: 'frobnicate', id: 14 }, 14, /unknown request type/],
      [{ type: 'import', id: 15, file: 'relative.xml' }, 15, /import.file must be an absolute path/],
      [{ type: 'import', id: 16, file: '/a\0b' }, 16, /import.file/],
      [{ type: 'import', id: 17, file: '/a.xml', strict: 'yes' }, 17, /import.strict must be a boolean/],
      [{ type: 'import', id: 18, file: '/a.xml', dtd: 5 }, 18, /import.dtd/],
    ];
    for (const [m, id, re] of bad) {
      const r = parseRequest(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) { assert.equal(r.id, id); assert.match(r.error.message, re); }
    }
  });
});

describe('authorization', () => {
  test('hasAuth: exact names and trailing wildcards', () => {
    assert.equal(hasAuth(['solaris.smf.manage'], 'solaris.smf.manage'), true);
    assert.equal(hasAuth(['solaris.smf.*'], 'solaris.smf.modify.framework'), true);
    assert.equal(hasAuth(['solaris.*'], 'solaris.smf.manage'), true);
    assert.equal(hasAuth(['*'], 'anything'), true);
    assert.equal(hasAuth(['solaris.smf.manage'], 'solaris.smf.manage.extra'), false);
    assert.equal(hasAuth(['solaris.smf.man*'], 'solaris.smf.manage'), false);
    assert.equal(hasAuth([], 'solaris.smf.manage'), false);
  });

  test('decision table', () => {
    const withAction: InstanceAuthData = { action: ['site.web.operate'], modifyGeneral: ['site.web.admin'], valueGeneral: ['site.web.value'] };
    const rows: [string, Caller, Request, InstanceAuthData, boolean][] = [
      ['root does anything', caller([], 0), { type: 'shutdown', id: 1 }, none, true],
      ['anyone may ask for status', caller([]), { type: 'status', id: 1 }, none, true],
      ['nobody else may shut down', caller(['*']), { type: 'shutdown', id: 1 }, none, false],
      ['restart needs manage', caller([]), admin('restart'), none, false],
      ['manage allows restart', caller(['solaris.smf.manage']), admin('restart'), none, true],
      ['action_authorization allows restart', caller(['site.web.operate']), admin('restart'), withAction, true],
      ['enable -t is an action', caller(['site.web.operate']), admin('enable', { temporary: true }), withAction, true],
      ['persistent enable is not an action', caller(['solaris.smf.manage']), admin('enable'), none, false],
      ['persistent enable with modify.framework', caller(['solaris.smf.modify.framework']), admin('disable'), none, true],
      ['persistent enable with general/modify_authorization', caller(['site.web.admin']), admin('enable'), withAction, true],
      ['persistent enable with general/value_authorization', caller(['site.web.value']), admin('enable'), withAction, true],
      ['milestone needs manage', caller(['solaris.smf.modify']), { type: 'admin', id: 1, action: 'milestone', fmris: ['none'] }, none, false],
      ['milestone -d needs manage and modify', caller(['solaris.smf.manage']), { type: 'admin', id: 1, action: 'milestone', fmris: ['none'], flags: { persistent: true } }, none, false],
      ['milestone -d with both', caller(['solaris.smf.manage', 'solaris.smf.modify.application']), { type: 'admin', id: 1, action: 'milestone', fmris: ['none'], flags: { persistent: true } }, none, true],
      ['refresh notification needs modify or manage', caller([]), { type: 'refresh', id: 1, fmris: [F] }, none, false],
      ['refresh notification with modify', caller(['solaris.smf.modify']), { type: 'refresh', id: 1, fmris: [F] }, none, true],
      // the daemon reads the file and writes the repository as itself: root and its own uid only
      ['import, even with every authorization, is not for other users', caller(['*']), { type: 'import', id: 1, file: '/m.xml' }, none, false],
      ['import as root', { uid: 0, gid: 0, pid: 1, auths: [] }, { type: 'import', id: 1, file: '/m.xml' }, none, true],
    ];
    for (const [name, c, req, data, want] of rows) {
      // admin requests on instances are decided per instance (authorizeAdminFmri); the request itself passes
      const d = req.type === 'admin' && req.action !== 'milestone' ? authorizeAdminFmri(c, req, F, () => data) : authorize(c, req, () => data);
      assert.equal(d.ok, want, name);
      if (!d.ok) assert.match(d.message, /permission denied|needs/, name);
    }
  });

  test('each instance of a multi-instance request is authorized on its own', () => {
    const req = { type: 'admin' as const, id: 1, action: 'restart' as const, fmris: [F, 'svc:/site/db:default'] };
    const data = (f: string): InstanceAuthData => (f === F ? { ...none, action: ['site.web.operate'] } : none);
    const c = caller(['site.web.operate']);
    assert.equal(authorize(c, req, data).ok, true, 'the request as a whole');
    assert.equal(authorizeAdminFmri(c, req, F, data).ok, true);
    const db = authorizeAdminFmri(c, req, 'svc:/site/db:default', data);
    assert.equal(db.ok, false);
    assert.match(!db.ok ? db.message : '', /svc:\/site\/db:default/);
  });
});

describe('user_attr and groups', () => {
  test('auths, profiles, comments and diagnostics', () => {
    const t = parseUserAttr([
      '# comment',
      '',
      'alice::::auths=solaris.smf.manage, site.web.operate;lock_after_retries=no',
      'bob::::profiles=Service Operator',
      'carol::::profiles=No Such Profile',
      'broken line',
    ].join('\n'));
    assert.deepEqual(t.byUser.get('alice'), ['solaris.smf.manage', 'site.web.operate']);
    assert.deepEqual(t.byUser.get('bob'), ['solaris.smf.manage', 'solaris.smf.modify.framework']);
    assert.deepEqual(t.byUser.get('carol'), []);
    assert.deepEqual(t.diagnostics.map((d) => d.line), [5, 6]);
    assert.match(t.diagnostics[0]!.message, /unknown profile "No Such Profile"/);
  });

  test('group mapping adds to user_attr grants', () => {
    const t = parseUserAttr('dave::::auths=site.x\n');
    assert.deepEqual(authsFor('dave', ['users', 'tsmf-manage'], t).sort(), ['site.x', 'solaris.smf.manage']);
    assert.deepEqual(authsFor(undefined, ['tsmf-admin'], t).sort(), ['solaris.smf.manage', 'solaris.smf.modify']);
    assert.deepEqual(authsFor('eve', ['users'], t), []);
  });
});
