import type * as Dgram from 'node:dgram';
import type * as Dns from 'node:dns';
import { createRequire } from 'node:module';
import type * as Net from 'node:net';

const require = createRequire(import.meta.url);

/**
 * The mutable module objects of Node's built-ins. An ES module namespace is frozen, so the
 * guard replaces functions on these objects, which every importer shares.
 */
export const dnsModule = require('node:dns') as typeof Dns;
export const netModule = require('node:net') as typeof Net;
export const dgramModule = require('node:dgram') as typeof Dgram;
