// Dependency entities as svcs needs them: `svc:` FMRIs reduced to a service name and optional
// instance (scope `//localhost` dropped), `file:` FMRIs reduced to an absolute path
// (`file:///p`, `file://localhost/p`, `file://HOST/p`; smf-spec §1.1, §1.2). Anything else —
// including FMRIs naming property groups — is `invalid`. Kept local and tiny on purpose: the
// listing only has to classify entities, full FMRI validation lives with the repository/import.

export type Entity =
  | { kind: 'instance'; fmri: string; service: string; instance: string }
  | { kind: 'service'; fmri: string; service: string }
  | { kind: 'file'; path: string }
  | { kind: 'invalid'; text: string };

const NAME = /^[A-Za-z][A-Za-z0-9_\-.,]*$/;

export function parseEntity(text: string): Entity {
  if (text.startsWith('file:')) {
    let rest = text.slice('file:'.length);
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      if (slash < 0) return { kind: 'invalid', text };
      rest = rest.slice(slash);
    }
    return rest.startsWith('/') ? { kind: 'file', path: rest } : { kind: 'invalid', text };
  }
  let rest = text;
  if (rest.startsWith('svc:')) rest = rest.slice(4);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const scope = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    if (scope !== '' && scope !== 'localhost' && scope !== 'localhost@localhost') return { kind: 'invalid', text };
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  if (rest.startsWith('/')) rest = rest.slice(1);
  if (rest.includes('/:properties')) return { kind: 'invalid', text };
  const colon = rest.indexOf(':');
  const service = colon < 0 ? rest : rest.slice(0, colon);
  const instance = colon < 0 ? undefined : rest.slice(colon + 1);
  if (!service || !service.split('/').every((c) => NAME.test(c))) return { kind: 'invalid', text };
  if (instance === undefined) return { kind: 'service', fmri: `svc:/${service}`, service };
  if (!NAME.test(instance)) return { kind: 'invalid', text };
  return { kind: 'instance', fmri: `svc:/${service}:${instance}`, service, instance };
}
