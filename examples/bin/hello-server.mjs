#!/usr/bin/env node
// Example daemon for the quick start: a tiny HTTP server on 127.0.0.1:PORT.
import http from 'node:http';
const port = Number(process.argv[2] || 8080);
http.createServer((req, res) => { res.end(`hello from tsmf (${process.env.SMF_FMRI ?? 'no fmri'})\n`); })
  .listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
