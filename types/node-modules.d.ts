// The Node tools (bench/, scripts/, test/e2e/) are type-checked with the rest, but
// @types/node is not among the dependencies: until it is, Node's own modules and
// autocannon are typed `any` here (the tools' own code stays fully checked). With
// @types/node (22.x) and @types/autocannon installed, delete this file.
declare module 'node:assert/strict';
declare module 'node:crypto';
declare module 'node:child_process' {
  export const execFileSync: any, spawn: any, spawnSync: any;
  export type ChildProcess = any;
  export type ChildProcessByStdio<I, O, E> = any;
}
declare module 'node:fs';
declare module 'node:http' {
  export const createServer: any, Agent: any, get: any;
  export type IncomingHttpHeaders = any;
  export type IncomingMessage = any;
  export type ServerResponse = any;
}
declare module 'node:module';
declare module 'node:net';
declare module 'node:os';
declare module 'node:path';
declare module 'node:readline/promises';
declare module 'node:sqlite';
declare module 'node:stream' {
  export type Readable = any;
}
declare module 'node:test';
declare module 'node:test/reporters';
declare module 'node:url';
declare module 'node:util';
declare module 'node:zlib';
declare module 'autocannon';

// Node sets import.meta.url on every ES module (the Workers types leave it out).
interface ImportMeta {
  url: string;
}
