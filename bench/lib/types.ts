// Shapes shared by the bench's modules, which are JavaScript typed with JSDoc
// (`/** @import { Route } from './types.ts' */`); nothing here runs.
import type { Miniflare } from 'miniflare';

export interface Options {
  /** The fake QQ's latency of the pass being run, ms. */
  qqLatencyMs: number;
  /** Every latency to run a pass at (--qq-latency), in order. */
  qqLatencies: number[];
  durationS: number;
  connections: number;
  filler: number;
  /** --routes, or null for every route and the calibration. */
  only: string[] | null;
  build: boolean;
  profile: boolean;
}

export interface LogLine {
  level: string;
  message: string;
}

/** One Miniflare instance: one workerd process, one or more workers on direct sockets. */
export interface Instance {
  label: string;
  mf: Miniflare;
  logs: { counts: Record<string, number>; lines: LogLine[] };
  pid: number;
  urls: Record<string, string>;
  startup: { ready_ms?: number; first_health_ms?: number; cpu_ms?: number };
}

/** One worker of a Miniflare instance (Miniflare's v4 option shape, the subset used here). */
export interface WorkerDef {
  name: string;
  modules: boolean;
  scriptPath: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  bindings?: Record<string, string>;
  kvNamespaces?: string[];
  d1Databases?: string[];
}

export interface Build {
  entry: string;
  build_ms?: number;
  wrangler_total_upload: string | null;
  custom_build_ran: boolean | null;
  custom_build_output?: string;
}

export type Headers = Record<string, string>;

/** A request as autocannon sends it, or the part a pooled item replaces. */
export interface RequestTemplate {
  method: 'GET' | 'POST';
  path: string;
  headers?: Headers;
  body?: string;
}
export type PoolItem = Partial<Omit<RequestTemplate, 'method'>>;
export type ResponseHeaders = Record<string, string | string[] | undefined>;
export type Capture = (status: number, body: string, headers?: ResponseHeaders) => void;

export type Target = 'worker' | 'floor';
export type Kind = 'worker' | 'floor' | 'reference';

/** What is loaded on one route, and what each request needs generated beforehand. */
export interface Route {
  name: string;
  label: string;
  kind?: Kind;
  target?: Target;
  request: RequestTemplate;
  /** The worker of the target's process that serves the route (default: `worker` or `floor`). */
  script?: string;
  /** Single-use request data, `n` items, generated before the run. */
  pool?: (n: number) => Promise<PoolItem[]>;
  /** Request data made on the fly, for each request. */
  generator?: () => PoolItem;
  capture?: Capture;
  warmup: number;
  /** Pool size over the warm-up's rate × duration (default POOL_MARGIN). */
  margin?: number;
  after?: () => Promise<unknown>;
}

export interface Sample {
  status: number | 'socket';
  body: string;
}

export interface LoadResult {
  requests: number;
  elapsed_s: number;
  rps: number;
  p50_ms: number | null;
  p99_ms: number | null;
  errors: number;
  error_rate: number;
  statuses: Record<string, number>;
  socket_errors: number;
  cpu_ms_per_req: number | null;
  cpu_ms_per_req_by_process: Record<string, number | null>;
  cores_used: number;
  other_load_cores: number;
  samples: Sample[];
  pool_exhausted: boolean;
  autocannon_completed: number | undefined;
}

/** One measured route, as printed and charted. */
export interface Row extends LoadResult {
  name: string;
  label: string;
  kind: Kind;
  method: string;
  path: string;
  prep_s: number;
  warmup: { requests: number; rps: number; errors: number };
  profile_shares?: Record<string, number>;
}

export interface CalibrationOp {
  rps: number;
  p50_ms: number | null;
  cpu_ms_per_req: number | null;
  cpu_ms_per_op?: number;
}
export type Calibration = Record<string, CalibrationOp>;

export interface StartupSample {
  ready_ms?: number;
  first_health_ms?: number;
  cpu_ms?: number;
}

/** What the table and the chart read of a route: a measured Row, or a route of a results file. */
export type ReportRow = Pick<Row, 'label' | 'rps' | 'p50_ms' | 'p99_ms' | 'errors' | 'cpu_ms_per_req'> & {
  kind?: Kind;
  error_rate?: number;
  other_load_cores?: number;
};

/** What the chart reads of a results document (bench/results/*.json). */
export interface ChartResults {
  date: string;
  qq_latency_ms: number;
  machine: { nproc: number; cpu_model: string };
  settings: { connections: number; duration_s: number };
  floor_ratio: number | null;
  floor_cpu_ratio: number | null;
  pbkdf2_rps: number | null;
  bind_vs_pbkdf2: number | null;
  login_vs_pbkdf2: number | null;
  bundle: { raw_bytes: number; gzip_bytes: number };
  startup: { script_startup_ms: number | null; script_import_cpu_ms: number; worker_first_healthz_ms: number | null };
  routes: Record<string, ReportRow>;
}

/** A V8 CPU profile (DevTools protocol `Profiler.stop`), the parts read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The servers whose whole returning-user login is measured side by side (bench/lib/logins.mjs). */
export type LoginTargetName = 'worker' | 'floor' | 'django';

/** What one login loop saw: a login that answered as expected, or why not. */
export type LoginOutcome = { ok: true } | { ok: false; sample: string };

/** One run of full logins against one server: N clients, each looping a whole login. */
export interface LoginResult {
  logins: number;
  elapsed_s: number;
  logins_per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  errors: number;
  error_rate: number;
  samples: string[];
  /** Server CPU (all its processes) over the run ÷ logins answered. */
  cpu_ms_per_login: number | null;
  cpu_ms_per_login_by_process: Record<string, number | null>;
  server_cores_used: number;
  other_load_cores: number;
  pool_exhausted: boolean;
}

export interface LoginRow extends LoginResult {
  target: LoginTargetName;
  label: string;
  /** The requests of one login. */
  what: string;
  prep_s: number;
  warmup: { logins: number; logins_per_s: number; errors: number };
}
