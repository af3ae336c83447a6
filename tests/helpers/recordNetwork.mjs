// Preloaded (NODE_OPTIONS="--import <this file>") into every Node process of a build, experiment workers
// included: appends each DNS lookup and each TCP connection to a host other than this machine to the
// file named by READOFF_NET_LOG, so a test can expect none (issue 8, item 3).
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const file = process.env.READOFF_NET_LOG;
const LOCAL = new Set(['localhost', '127.0.0.1', '::1', undefined, '']);
const record = (what) => {
  if (file) appendFileSync(file, `${process.pid} ${process.argv.slice(1, 3).join(' ')}: ${what}\n`);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const opts = first && typeof first === 'object' ? first : typeof first === 'number' ? { port: first, host: args[1] } : { path: first };
  if (!opts.path && !LOCAL.has(opts.host)) record(`connect ${opts.host}:${opts.port}`);
  return connect.apply(this, args);
};
for (const api of [dns, dns.promises]) {
  for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
    const original = api[name];
    if (typeof original !== 'function') continue;
    api[name] = function (host, ...rest) {
      if (!LOCAL.has(host)) record(`dns ${name} ${host}`);
      return original.call(this, host, ...rest);
    };
  }
}
