#!/usr/bin/env node
// One generic iii worker for the end-to-end tests, written against the PUBLIC API of a real `iii-sdk` release.
//
//   node agent.mjs --sdk 0.22.1 --url ws://127.0.0.1:PORT/ [--name NAME] [--no-telemetry]
//                  [--metrics-interval-ms N] [--timeout-ms N] [--ready-timeout-ms N] [--header NAME=VALUE]...
//                  [--ready-function ID]
//
// --ready-function: readiness is the first answer of ID (any answer, errors included) instead of finding ourselves
// in engine::workers::list, for sessions that may not call the listing; the ready event then has no worker_id.
//
// --header adds an HTTP header to the upgrade request (0.11.6+ `headers` option; 0.2.1/0.3.0 have none, and
// authenticate with a query parameter in --url instead).
//
// The SDK version is loaded through its npm alias (`iii-sdk-<version>`, see package.json) and used the way a user of
// that version would use it: `init()` (0.2.1/0.3.0) or `registerWorker()` (0.11.6+), `registerFunction`,
// `trigger`/`call`/`callVoid`, `registerTriggerType`, `registerTrigger`, `onFunctionsAvailable`, ... Nothing here
// speaks the wire protocol itself; everything the engine sees is what that SDK version sends.
//
// Control channel: one JSON object per line.
//   stdin  <- commands  {"id":"c1","cmd":"registerFunction","function_id":"x","behaviour":"echo"}
//   stdout -> events    {"event":"reply","id":"c1","cmd":"registerFunction","ok":true,...}
//                       {"event":"invoked","function_id":"x","data":{...}}   (every handler invocation)
//                       {"event":"ready","worker_id":"...","name":"...","sdk":"0.22.1"}
// Commands run concurrently (a `call` that waits does not block the next command). A bad command gets an
// `{"event":"reply","ok":false}` or `{"event":"error"}` line, never a crash. The SDKs' own console output goes to
// stderr; the lines it prints with the "[iii]" prefix are also reported as `{"event":"console"}` so a test can
// assert on SDK warnings (e.g. "[iii] Trigger registration failed ...").

import { Console } from 'node:console';
import { createHash, randomFillSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import { format } from 'node:util';

// ---------------------------------------------------------------------------------------------------------------
// Output: stdout carries only our JSON lines. Everything else (the SDKs log with console.debug/info) goes to stderr.

const stdoutWrite = process.stdout.write.bind(process.stdout);
const startedAt = Date.now();

function safeJson(value) {
  const seen = new WeakSet();
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { name: v.name, message: v.message };
    if (Buffer.isBuffer(v)) return { buffer_base64: v.toString('base64') };
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}

function emit(event) {
  try {
    stdoutWrite(safeJson({ ...event, t: Date.now() - startedAt }) + '\n');
  } catch (e) {
    stdoutWrite(JSON.stringify({ event: 'error', message: `cannot serialise event: ${e?.message}` }) + '\n');
  }
}

const stderrConsole = new Console({ stdout: process.stderr, stderr: process.stderr });
for (const level of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[level] = (...args) => {
    const text = format(...args);
    stderrConsole[level === 'trace' ? 'error' : level](text);
    if (text.startsWith('[iii]')) emit({ event: 'console', level, text });
  };
}

process.on('uncaughtException', (e) => emit({ event: 'uncaught', message: String(e?.stack ?? e) }));
process.on('unhandledRejection', (e) => emit({ event: 'uncaught', message: String(e?.stack ?? e) }));

// ---------------------------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const args = { telemetry: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--sdk') args.sdk = next();
    else if (a === '--url') args.url = next();
    else if (a === '--name') args.name = next();
    else if (a === '--no-telemetry') args.telemetry = false;
    else if (a === '--metrics-interval-ms') args.metricsIntervalMs = Number(next());
    else if (a === '--timeout-ms') args.timeoutMs = Number(next());
    else if (a === '--ready-timeout-ms') args.readyTimeoutMs = Number(next());
    else if (a === '--description') args.description = next();
    else if (a === '--ready-function') args.readyFunction = next();
    else if (a === '--header') {
      const [name, ...value] = next().split('=');
      args.headers = { ...(args.headers ?? {}), [name]: value.join('=') };
    }
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.sdk || !args.url) throw new Error('usage: agent.mjs --sdk VERSION --url ws://HOST:PORT/ [--name NAME]');
  return args;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  emit({ event: 'fatal', message: e.message });
  process.exit(2);
}

const SUPPORTED = ['0.2.1', '0.3.0', '0.11.6', '0.22.1'];
if (!SUPPORTED.includes(args.sdk)) {
  emit({ event: 'fatal', message: `unsupported sdk ${args.sdk}; one of ${SUPPORTED.join(', ')}` });
  process.exit(2);
}

/** 0.2.1 and 0.3.0: `init()`, positional `trigger(id, data, timeout)`, `callVoid`, helpers. 0.11.6+: `registerWorker()`. */
const legacy = args.sdk === '0.2.1' || args.sdk === '0.3.0';
const workerName = args.name ?? `e2e-${args.sdk}-${process.pid}`;

const sdkModule = await import(`iii-sdk-${args.sdk}`);

const options = { workerName };
if (args.timeoutMs) options.invocationTimeoutMs = args.timeoutMs;
if (args.description && args.sdk === '0.22.1') options.workerDescription = args.description;
if (args.headers) {
  if (legacy) {
    emit({ event: 'fatal', message: `sdk ${args.sdk} cannot send upgrade headers` });
    process.exit(2);
  }
  options.headers = args.headers;
}
if (args.telemetry) {
  if (args.metricsIntervalMs) options.otel = { metricsExportIntervalMs: args.metricsIntervalMs };
} else {
  options.otel = { enabled: false };
  options.enableMetricsReporting = false;
}

// The user's one line of setup, per version.
const iii = legacy ? sdkModule.init(args.url, options) : sdkModule.registerWorker(args.url, options);
const TriggerAction = sdkModule.TriggerAction; // 0.11.6+ only

emit({ event: 'started', sdk: args.sdk, name: workerName, pid: process.pid, telemetry: args.telemetry });

// ---------------------------------------------------------------------------------------------------------------
// Worker state kept by the "user code"

const functionRefs = new Map(); // function_id -> FunctionRef
const channels = new Map(); // handle -> { writer, reader, writerRef, readerRef } (createChannel of 0.11.6+)
const triggerTypes = new Map(); // type id -> { input, ref, active: Map<trigger id, TriggerConfig>, failRegister }
const triggerHandles = new Map(); // handle -> Trigger (returned by registerTrigger)
const subscriptions = new Map(); // handle -> unsubscribe function (onFunctionsAvailable)
let handleSeq = 0;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls a function the way this SDK version's user would, resolving to the result. */
function callFunction(functionId, data, timeoutMs, metadata) {
  if (legacy) return iii.trigger(functionId, data, timeoutMs);
  const request = { function_id: functionId, payload: data };
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  if (metadata !== undefined) request.metadata = metadata;
  return iii.trigger(request);
}

/** Fire-and-forget call. */
function callVoid(functionId, data, metadata) {
  if (legacy) return iii.callVoid(functionId, data);
  const request = { function_id: functionId, payload: data, action: TriggerAction.Void() };
  if (metadata !== undefined) request.metadata = metadata;
  return iii.trigger(request);
}

/** How a rejection looks to the caller in this SDK version (0.2.1 rejects with the raw wire error object). */
function describeError(err) {
  if (err === null || err === undefined) return { kind: String(err) };
  if (err instanceof Error) {
    const out = { kind: 'Error', name: err.name, message: err.message };
    if (err.code !== undefined) out.code = err.code;
    if (err.function_id !== undefined) out.function_id = err.function_id;
    if (err.stacktrace !== undefined) out.stacktrace = err.stacktrace;
    return out;
  }
  if (typeof err === 'object') return { kind: 'object', ...err };
  return { kind: typeof err, message: String(err) };
}

function describeResult(result) {
  if (result === undefined) return { result_type: 'undefined' };
  if (result === null) return { result_type: 'null', result: null };
  return { result_type: Array.isArray(result) ? 'array' : typeof result, result };
}

// ---------------------------------------------------------------------------------------------------------------
// Channels (0.11.6+): `iii.createChannel()` (0.11.6) or `createChannel(iii)` from 'iii-sdk/helpers' (0.22.1), and the
// ChannelWriter / ChannelReader objects the SDK makes of channel references found in a handler's payload.

async function createChannelPair(bufferSize) {
  if (legacy) unsupported('channels');
  if (typeof iii.createChannel === 'function') return iii.createChannel(bufferSize);
  const helpers = await import(`iii-sdk-${args.sdk}/helpers`);
  return helpers.createChannel(iii, bufferSize);
}

/**
 * Writes through a ChannelWriter: each of `texts` with sendMessage, then `bytes` random bytes through its Writable in
 * pieces of `piece` bytes (the SDK cuts them into 64 KiB frames), then `end_texts`, then ends the stream. The answer
 * has the SHA-256 of what was written, for the reader's side to compare.
 */
async function writeChannel(writer, spec) {
  const started = Date.now();
  const hash = createHash('sha256');
  for (const text of spec.texts ?? []) writer.sendMessage(text);
  const total = spec.bytes ?? 0;
  const piece = spec.piece ?? 1024 * 1024;
  for (let offset = 0; offset < total; offset += piece) {
    const part = randomFillSync(Buffer.allocUnsafe(Math.min(piece, total - offset)));
    hash.update(part);
    await new Promise((resolve, reject) => writer.stream.write(part, (err) => (err ? reject(err) : resolve())));
    if (spec.report_progress) emit({ event: 'channelWriteProgress', written: offset + part.length });
    // dies half-way: what it wrote is all its reader gets
    if (spec.exit_midway && offset + part.length >= total / 2) process.exit(3);
  }
  for (const text of spec.end_texts ?? []) writer.sendMessage(text);
  await new Promise((resolve, reject) => {
    writer.stream.once('error', reject);
    writer.stream.end(resolve);
  });
  return { bytes: total, sha256: hash.digest('hex'), elapsed_ms: Date.now() - started };
}

/**
 * Reads a ChannelReader to its end: readAll(), or its Readable with `delay_ms` after each chunk (a slow reader);
 * `report_first`: tells when the first chunk has arrived.
 */
async function readChannel(reader, spec) {
  const started = Date.now();
  const texts = [];
  reader.onMessage((msg) => texts.push(msg));
  const hash = createHash('sha256');
  let bytes = 0;
  let error = null;
  let firstAt = 0;
  try {
    if (spec.delay_ms || spec.report_first) {
      for await (const chunk of reader.stream) {
        if (!firstAt) {
          firstAt = Date.now();
          if (spec.report_first) emit({ event: 'channelReadStarted', bytes: chunk.length });
        }
        hash.update(chunk);
        bytes += chunk.length;
        await sleep(spec.delay_ms);
      }
    } else {
      const all = await reader.readAll();
      hash.update(all);
      bytes = all.length;
    }
  } catch (err) {
    error = describeError(err);
  }
  const now = Date.now();
  return { bytes, sha256: hash.digest('hex'), texts, error, elapsed_ms: now - started,
    streaming_ms: firstAt ? now - firstAt : 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP functions that answer through the request's `response` channel and read its `request_body` channel (0.11.6+),
// with the frames iii-sdk's http() helper sends: {"type":"set_status"} and {"type":"set_headers"} text frames, then
// the body's bytes through the writer's stream.

function startResponse(response, status, headers) {
  response.sendMessage(JSON.stringify({ type: 'set_status', status_code: status }));
  response.sendMessage(JSON.stringify({ type: 'set_headers', headers }));
}

function writePart(writer, bytes) {
  return new Promise((resolve, reject) => writer.stream.write(bytes, (err) => (err ? reject(err) : resolve())));
}

/** Reads a request's body to its end: its size and SHA-256, and its text when it is at most 1 MiB. */
async function readBody(reader) {
  const hash = createHash('sha256');
  const chunks = [];
  let bytes = 0;
  let error = null;
  try {
    for await (const chunk of reader.stream) {
      hash.update(chunk);
      bytes += chunk.length;
      if (bytes <= 1024 * 1024) chunks.push(chunk);
    }
  } catch (err) {
    error = describeError(err);
  }
  return { bytes, sha256: hash.digest('hex'), text: bytes <= 1024 * 1024 ? Buffer.concat(chunks).toString('utf8') : null,
    error };
}

// Gates a handler waits at until the test opens them (`openGate`), e.g. to write event n+1 only once the HTTP client
// has received event n.
const gates = new Map();

function gateNamed(name) {
  let gate = gates.get(name);
  if (!gate) {
    gate = {};
    gate.promise = new Promise((resolve) => (gate.open = resolve));
    gates.set(name, gate);
  }
  return gate;
}

async function passGate(name) {
  await gateNamed(name).promise;
  gates.delete(name);
}

/** What a payload looks like in an event: channel objects the SDK made of references are named, not dumped. */
function describePayload(value) {
  if (value === null || typeof value !== 'object') return value;
  if (value.constructor?.name === 'ChannelReader' || value.constructor?.name === 'ChannelWriter') {
    return { channel: value.constructor.name };
  }
  if (Array.isArray(value)) return value.map(describePayload);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = describePayload(v);
  return out;
}

function makeHandler(functionId, spec) {
  const behaviour = spec.behaviour ?? 'echo';
  return async (data, metadata) => {
    const ev = { event: 'invoked', function_id: functionId, data: data === undefined ? null : describePayload(data) };
    if (data === undefined) ev.data_undefined = true;
    if (metadata !== undefined) ev.metadata = metadata;
    emit(ev);
    switch (behaviour) {
      case 'echo':
        return data;
      case 'constant':
        return spec.result;
      case 'fail':
        throw new Error(spec.message ?? `failure in ${functionId}`);
      case 'throw-string':
        throw spec.message ?? `string failure in ${functionId}`;
      case 'sleep':
        await sleep(spec.ms ?? 1000);
        return data;
      case 'never-answer':
        return new Promise(() => {});
      case 'return-null':
        return null;
      case 'return-undefined':
        return undefined;
      case 'http-echo': {
        // An HTTP trigger handler: answers {status_code, headers, body} with the request it received as the body
        // (without the channel references of 0.11.6+, which the SDK has made into reader and writer objects).
        const received = data && typeof data === 'object' ? { ...data } : data;
        if (received && typeof received === 'object') {
          delete received.request_body;
          delete received.response;
        }
        return { status_code: spec.status_code ?? 200, headers: spec.headers ?? {}, body: { received } };
      }
      case 'channel-read': {
        // data.reader: a channel reference the SDK turned into a ChannelReader; data.delay_ms: a slow reader
        const result = await readChannel(data.reader,
          { delay_ms: data.delay_ms ?? spec.delay_ms, report_first: spec.report_first });
        emit({ event: 'channelRead', function_id: functionId, ...result });
        return result;
      }
      case 'channel-write': {
        // data.writer: a channel reference the SDK turned into a ChannelWriter
        const result = await writeChannel(data.writer, data);
        emit({ event: 'channelWritten', function_id: functionId, ...result });
        return result;
      }
      case 'http-stream': {
        // Streams data.query_params.bytes (or spec.bytes) random bytes as the HTTP response, after spec.texts (raw
        // text frames, control messages or not); spec.exit_midway: the worker dies before ending the stream.
        startResponse(data.response, spec.status_code ?? 200, spec.headers ?? { 'content-type': 'application/octet-stream' });
        for (const text of spec.texts ?? []) data.response.sendMessage(text);
        const bytes = Number(data.query_params?.bytes ?? spec.bytes ?? 0);
        try {
          const result = await writeChannel(data.response, { bytes, piece: spec.piece, exit_midway: spec.exit_midway });
          emit({ event: 'httpStreamed', function_id: functionId, ...result });
        } catch (err) {
          emit({ event: 'httpStreamFailed', function_id: functionId, error: describeError(err) });
          throw err;
        }
        return undefined;
      }
      case 'http-read-body': {
        // Reads request_body to its end and answers with what arrived, through the response channel or, with
        // spec.buffered, as a plain {status_code, body}.
        const read = await readBody(data.request_body);
        const answer = { ...read, parsed_body: data.body ?? null };
        emit({ event: 'httpBodyRead', function_id: functionId, bytes: read.bytes, sha256: read.sha256, error: read.error });
        if (spec.buffered) return { status_code: 200, body: answer };
        startResponse(data.response, 200, { 'content-type': 'application/json' });
        data.response.stream.end(Buffer.from(JSON.stringify(answer)));
        return undefined;
      }
      case 'http-sse': {
        // spec.events server-sent events; event n+1 is written once the gate "<function id>:<n>" was opened.
        startResponse(data.response, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const events = spec.events ?? 100;
        for (let n = 1; n <= events; n++) {
          await writePart(data.response, Buffer.from(`id: ${n}\ndata: event ${n}\n\n`));
          if (n < events) await passGate(`${functionId}:${n}`);
        }
        await new Promise((resolve) => data.response.stream.end(resolve));
        return undefined;
      }
      case 'forward': {
        // Calls another function with the same payload and returns its result (chains across workers).
        const result = await callFunction(spec.target, spec.forward_data ?? data, spec.timeout_ms);
        return result;
      }
      default:
        throw new Error(`unknown behaviour ${behaviour}`);
    }
  };
}

function requireString(cmd, key) {
  const v = cmd[key];
  if (typeof v !== 'string' || v === '') throw new Error(`${cmd.cmd}: '${key}' (string) is required`);
  return v;
}

function unsupported(what) {
  const e = new Error(`${what} is not part of the public API of iii-sdk ${args.sdk}`);
  e.code = 'unsupported';
  throw e;
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

const commands = {
  async ping() {
    return { pong: true };
  },

  async registerFunction(cmd) {
    const functionId = requireString(cmd, 'function_id');
    const handler = makeHandler(functionId, cmd);
    const opts = {};
    for (const k of ['description', 'metadata', 'request_format', 'response_format']) {
      if (cmd[k] !== undefined) opts[k] = cmd[k];
    }
    const ref = legacy
      ? iii.registerFunction({ id: functionId, ...opts }, handler)
      : iii.registerFunction(functionId, handler, opts);
    functionRefs.set(functionId, ref);
    return { function_id: ref?.id ?? functionId };
  },

  /** 0.11.6+: an external (HTTP-invoked) function, `registerFunction(id, {url, method, timeout_ms, headers, auth})`. */
  async registerHttpFunction(cmd) {
    if (legacy) unsupported('HTTP-invoked functions');
    const functionId = requireString(cmd, 'function_id');
    const ref = iii.registerFunction(functionId, cmd.invocation ?? {}, cmd.options ?? {});
    functionRefs.set(functionId, ref);
    return { function_id: ref?.id ?? functionId };
  },

  async unregisterFunction(cmd) {
    const functionId = requireString(cmd, 'function_id');
    const ref = functionRefs.get(functionId);
    if (!ref) throw new Error(`function ${functionId} was not registered by this worker`);
    ref.unregister();
    functionRefs.delete(functionId);
    return { function_id: functionId };
  },

  async call(cmd) {
    const functionId = requireString(cmd, 'function_id');
    const started = Date.now();
    try {
      const result = await callFunction(functionId, cmd.data, cmd.timeout_ms, cmd.metadata);
      return { ...describeResult(result), elapsed_ms: Date.now() - started };
    } catch (err) {
      const e = new Error('call failed');
      e.callError = describeError(err);
      e.elapsedMs = Date.now() - started;
      throw e;
    }
  },

  /** A call made inside a span of this worker (`span`: its name), so the SDK sends a traceparent; the reply names it. */
  async callInSpan(cmd) {
    const functionId = requireString(cmd, 'function_id');
    const { trace } = await import('@opentelemetry/api');
    return trace.getTracer('e2e-agent').startActiveSpan(cmd.span ?? `agent call ${functionId}`, async (span) => {
      const ids = { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId };
      try {
        const result = await callFunction(functionId, cmd.data, cmd.timeout_ms);
        return { ...describeResult(result), ...ids };
      } catch (err) {
        const e = new Error('call failed');
        e.callError = describeError(err);
        throw e;
      } finally {
        span.end();
      }
    });
  },

  /** 0.2.1/0.3.0 `onLog(cb, {level})`: every log record delivered is reported as a `log` event. */
  async onLog(cmd) {
    if (typeof iii.onLog !== 'function') unsupported('onLog');
    const handle = cmd.handle ?? `log-${++handleSeq}`;
    const off = iii.onLog((log) => emit({ event: 'log', handle, log }), cmd.level ? { level: cmd.level } : undefined);
    subscriptions.set(handle, off);
    return { handle };
  },

  /** Logs a message: through the SDK's `Logger` (OpenTelemetry logs) or by calling `engine::log::<level>`. */
  async log(cmd) {
    const level = cmd.level ?? 'info';
    const message = requireString(cmd, 'message');
    if (cmd.via === 'function') {
      const payload = { message };
      if (cmd.data !== undefined) payload.data = cmd.data;
      await callFunction(`engine::log::${level}`, payload, cmd.timeout_ms);
      return { via: 'function' };
    }
    if (typeof sdkModule.Logger !== 'function') unsupported('Logger');
    new sdkModule.Logger(undefined, cmd.service_name ?? workerName)[level](message, cmd.data);
    return { via: 'logger' };
  },

  async callVoid(cmd) {
    const functionId = requireString(cmd, 'function_id');
    await callVoid(functionId, cmd.data, cmd.metadata);
    return { function_id: functionId };
  },

  async registerTriggerType(cmd) {
    const typeId = requireString(cmd, 'type_id');
    const input = { id: typeId, description: cmd.description ?? `e2e trigger type ${typeId}` };
    const state = { input, ref: undefined, active: new Map(), failRegister: cmd.fail_register ?? null };
    const handler = {
      async registerTrigger(config) {
        emit({ event: 'registerTrigger', type_id: typeId, trigger: config });
        if (state.failRegister) throw new Error(state.failRegister);
        state.active.set(config.id, config);
      },
      async unregisterTrigger(config) {
        emit({ event: 'unregisterTrigger', type_id: typeId, trigger: config });
        state.active.delete(config.id);
      },
    };
    state.ref = iii.registerTriggerType(input, handler);
    triggerTypes.set(typeId, state);
    return { type_id: typeId };
  },

  async unregisterTriggerType(cmd) {
    const typeId = requireString(cmd, 'type_id');
    const state = triggerTypes.get(typeId);
    if (!state) throw new Error(`trigger type ${typeId} was not registered by this worker`);
    if (state.ref?.unregister) state.ref.unregister();
    else iii.unregisterTriggerType(state.input);
    triggerTypes.delete(typeId);
    return { type_id: typeId };
  },

  /** The provider side of a trigger type: invoke the functions bound by the triggers it was told about. */
  async fireTrigger(cmd) {
    const typeId = requireString(cmd, 'type_id');
    const state = triggerTypes.get(typeId);
    if (!state) throw new Error(`trigger type ${typeId} is not provided by this worker`);
    const targets = [...state.active.values()].filter((t) => !cmd.trigger_id || t.id === cmd.trigger_id);
    const fired = [];
    for (const t of targets) {
      if (cmd.mode === 'call') {
        try {
          const result = await callFunction(t.function_id, cmd.data, cmd.timeout_ms);
          fired.push({ trigger_id: t.id, function_id: t.function_id, ok: true, ...describeResult(result) });
        } catch (err) {
          fired.push({ trigger_id: t.id, function_id: t.function_id, ok: false, error: describeError(err) });
        }
      } else {
        await callVoid(t.function_id, cmd.data);
        fired.push({ trigger_id: t.id, function_id: t.function_id, ok: true });
      }
    }
    return { fired };
  },

  async activeTriggers(cmd) {
    const typeId = requireString(cmd, 'type_id');
    const state = triggerTypes.get(typeId);
    return { triggers: state ? [...state.active.values()] : [] };
  },

  async registerTrigger(cmd) {
    const type = requireString(cmd, 'type');
    const functionId = requireString(cmd, 'function_id');
    const input = { type, function_id: functionId, config: cmd.config };
    if (cmd.metadata !== undefined) {
      if (legacy) unsupported('trigger metadata');
      input.metadata = cmd.metadata;
    }
    const trigger = iii.registerTrigger(input);
    const handle = cmd.handle ?? `trigger-${++handleSeq}`;
    triggerHandles.set(handle, trigger);
    // The SDKs' Trigger handle has only unregister(); the instance id is visible to the provider only.
    return { handle };
  },

  async unregisterTrigger(cmd) {
    const handle = requireString(cmd, 'handle');
    const trigger = triggerHandles.get(handle);
    if (!trigger) throw new Error(`unknown trigger handle ${handle}`);
    trigger.unregister();
    triggerHandles.delete(handle);
    return { handle };
  },

  async registerService(cmd) {
    if (typeof iii.registerService !== 'function') unsupported('registerService');
    const service = { id: requireString(cmd, 'service_id') };
    for (const k of ['name', 'description', 'parent_service_id']) if (cmd[k] !== undefined) service[k] = cmd[k];
    iii.registerService(service);
    return { service_id: service.id };
  },

  async onFunctionsAvailable(cmd) {
    if (typeof iii.onFunctionsAvailable !== 'function') unsupported('onFunctionsAvailable');
    const handle = cmd.handle ?? `fa-${++handleSeq}`;
    const off = iii.onFunctionsAvailable((functions) => emit({ event: 'functionsAvailable', handle, functions }));
    subscriptions.set(handle, off);
    return { handle };
  },

  async offFunctionsAvailable(cmd) {
    const handle = requireString(cmd, 'handle');
    const off = subscriptions.get(handle);
    if (!off) throw new Error(`unknown subscription ${handle}`);
    off();
    subscriptions.delete(handle);
    return { handle };
  },

  /** 0.2.1/0.3.0 helper `listFunctions()`; later versions only through trigger('engine::functions::list'). */
  async listFunctions(cmd) {
    if (typeof iii.listFunctions === 'function') return { via: 'helper', functions: await iii.listFunctions() };
    const r = await callFunction('engine::functions::list', cmd.data ?? {}, cmd.timeout_ms);
    return { via: 'trigger', functions: r?.functions };
  },

  async listWorkers(cmd) {
    if (typeof iii.listWorkers === 'function') return { via: 'helper', workers: await iii.listWorkers() };
    const r = await callFunction('engine::workers::list', cmd.data ?? {}, cmd.timeout_ms);
    return { via: 'trigger', workers: r?.workers };
  },

  /** Creates a channel (0.11.6+ public API) and keeps its writer and reader under `handle`. */
  async channelCreate(cmd) {
    const handle = cmd.handle ?? `channel-${++handleSeq}`;
    const channel = await createChannelPair(cmd.buffer_size);
    channels.set(handle, channel);
    return { handle, writer_ref: channel.writerRef, reader_ref: channel.readerRef };
  },

  /** Writes through the writer of channel `handle` (see writeChannel) and ends it. */
  async channelWrite(cmd) {
    const channel = channels.get(requireString(cmd, 'handle'));
    if (!channel) throw new Error(`unknown channel ${cmd.handle}`);
    return writeChannel(channel.writer, cmd);
  },

  /** Reads the reader of channel `handle` to its end (see readChannel). */
  async channelRead(cmd) {
    const channel = channels.get(requireString(cmd, 'handle'));
    if (!channel) throw new Error(`unknown channel ${cmd.handle}`);
    return readChannel(channel.reader, cmd);
  },

  async openGate(cmd) {
    const name = requireString(cmd, 'gate');
    gateNamed(name).open();
    return { gate: name };
  },

  async exit(cmd) {
    setImmediate(() => shutdownAndExit(cmd.code ?? 0));
    return { exiting: true };
  },
};

async function run(cmd) {
  const id = cmd.id ?? null;
  const name = cmd.cmd;
  const fn = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!fn) {
    emit({ event: 'reply', id, cmd: name, ok: false, error: { kind: 'agent', message: `unknown command ${name}` } });
    return;
  }
  try {
    const result = await fn(cmd);
    emit({ event: 'reply', id, cmd: name, ok: true, ...result });
  } catch (err) {
    if (err?.callError) {
      emit({ event: 'reply', id, cmd: name, ok: false, error: err.callError, elapsed_ms: err.elapsedMs });
    } else {
      emit({ event: 'reply', id, cmd: name, ok: false, error: { kind: 'agent', ...describeError(err) } });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Readiness: the SDK never tells its user "connected" (0.2.1/0.3.0 have onConnectionStateChange, later versions
// nothing public), so we do what a user would: call an engine built-in until it answers, then find ourselves in
// the worker listing by name to learn our worker id.

async function becomeReady() {
  const deadline = Date.now() + (args.readyTimeoutMs ?? 60000);
  if (args.readyFunction) {
    let lastError;
    while (Date.now() < deadline && !shuttingDown) {
      try {
        await callFunction(args.readyFunction, { message: `${workerName} is ready` }, 2000);
        emit({ event: 'ready', sdk: args.sdk, name: workerName, worker_id: null });
        return;
      } catch (err) {
        lastError = describeError(err);
        // an answer, even an error, means the engine handles our calls; a timeout or no connection does not
        if (lastError.code !== undefined && lastError.code !== 'TIMEOUT' && lastError.code !== 'timeout') {
          emit({ event: 'ready', sdk: args.sdk, name: workerName, worker_id: null, ready_error: lastError });
          return;
        }
      }
      await sleep(200);
    }
    if (!shuttingDown) emit({ event: 'not_ready', sdk: args.sdk, name: workerName, error: lastError ?? null });
    return;
  }
  let firstAnswerAt = 0;
  let lastError;
  while (Date.now() < deadline && !shuttingDown) {
    try {
      const r = await callFunction('engine::workers::list', {}, 2000);
      if (!firstAnswerAt) firstAnswerAt = Date.now();
      const rows = Array.isArray(r?.workers) ? r.workers : [];
      const me = rows.find((w) => w && w.name === workerName);
      if (me) {
        emit({ event: 'ready', sdk: args.sdk, name: workerName, worker_id: me.id ?? me.worker_id ?? null });
        return;
      }
      // The engine answers but does not list us (yet): metadata registration is fire-and-forget.
      if (Date.now() - firstAnswerAt > 10000) break;
    } catch (err) {
      lastError = describeError(err);
    }
    await sleep(firstAnswerAt ? 100 : 200);
  }
  if (shuttingDown) return;
  if (firstAnswerAt) {
    emit({ event: 'ready', sdk: args.sdk, name: workerName, worker_id: null, warning: 'own worker not found in engine::workers::list' });
  } else {
    emit({ event: 'not_ready', sdk: args.sdk, name: workerName, error: lastError ?? null });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

let shuttingDown = false;

async function shutdownAndExit(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    await Promise.race([iii.shutdown(), sleep(3000)]);
  } catch (e) {
    emit({ event: 'error', message: `shutdown: ${e?.message ?? e}` });
  }
  emit({ event: 'exited', code });
  process.stdout.write('', () => process.exit(code));
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    emit({ event: 'error', message: `not JSON: ${e.message}`, line });
    return;
  }
  if (cmd === null || typeof cmd !== 'object' || Array.isArray(cmd) || typeof cmd.cmd !== 'string') {
    emit({ event: 'error', message: 'a command is an object with a string "cmd"', line });
    return;
  }
  run(cmd);
});
// The driver going away (stdin closed) ends the worker gracefully.
rl.on('close', () => shutdownAndExit(0));
process.on('SIGTERM', () => shutdownAndExit(0));
process.on('SIGINT', () => shutdownAndExit(0));

becomeReady();
