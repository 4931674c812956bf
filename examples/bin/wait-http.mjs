#!/usr/bin/env node
// Example checker: returns once http://127.0.0.1:PORT/ answers (a transient "checker" service, like the zone checker
// of the seed scenario: the instance is offline* while it waits, and its dependents stay offline).
import http from 'node:http';
const port = Number(process.argv[2] || 8080);
const probe = () => new Promise((ok) => { http.get({ host: '127.0.0.1', port, path: '/' }, (r) => { r.resume(); ok(r.statusCode === 200); }).on('error', () => ok(false)); });
while (!(await probe())) await new Promise((r) => setTimeout(r, 200));
console.log(`http://127.0.0.1:${port}/ answers`);
