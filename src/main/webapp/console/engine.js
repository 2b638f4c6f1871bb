// The console's connection to the engine: a worker on the engine's own protocol (the worker socket of the page's
// own origin; on the RBAC-gated listener with ?console=1 and the sign-in token). It describes itself as the console,
// registers one function, marked internal, that receives the discovery events, binds it to the two discovery trigger
// types, and otherwise only calls the engine's listings.

const EVENT_TYPES = ['engine::workers-available', 'engine::functions-available'];

/** A random UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function uuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class Engine {
  /**
   * @param onEvent   called with each discovery event's payload
   * @param onState   called with 'open' (and the console's worker id), 'closed' (it reconnects), or, with a token,
   *                  'refused' (closed before it opened: it does not reconnect until connect() is called)
   * @param token     the sign-in token for the RBAC-gated listener, or null
   */
  constructor(onEvent, onState, token = null) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.token = token;
    this.pending = new Map();
    this.workerId = null;
    this.eventFunction = `console::events::${uuid()}`;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = this.token === null ? '' : `?console=1&access_token=${encodeURIComponent(this.token)}`;
    const socket = new WebSocket(`${scheme}://${location.host}/${query}`);
    let opened = false;
    this.socket = socket;
    socket.onopen = () => { opened = true; };
    socket.onmessage = message => this.received(JSON.parse(message.data));
    socket.onclose = () => {
      for (const [, call] of this.pending) call.reject(new Error('connection to the engine lost'));
      this.pending.clear();
      this.workerId = null;
      if (this.socket !== socket) return;
      if (this.token !== null && !opened) {
        this.onState('refused');
        return;
      }
      this.onState('closed');
      setTimeout(() => { if (this.socket === socket) this.connect(); }, 1000);
    };
  }

  /** Closes the connection for good. */
  stop() {
    const socket = this.socket;
    this.socket = null;
    this.workerId = null;
    socket?.close();
  }

  send(frame) {
    this.socket.send(JSON.stringify(frame));
  }

  received(frame) {
    if (frame.type === 'workerregistered') {
      this.workerId = frame.worker_id;
      this.introduce();
      this.onState('open', frame.worker_id);
    } else if (frame.type === 'invocationresult') {
      const call = this.pending.get(frame.invocation_id);
      if (call) {
        this.pending.delete(frame.invocation_id);
        call.resolve(frame);
      }
    } else if (frame.type === 'invokefunction' && frame.function_id === this.eventFunction) {
      if (frame.invocation_id) {
        this.send({type: 'invocationresult', invocation_id: frame.invocation_id, function_id: frame.function_id,
          result: null});
      }
      this.onEvent(frame.data);
    }
  }

  introduce() {
    this.send({type: 'invokefunction', function_id: 'engine::workers::register', action: {type: 'void'},
      data: {name: 'iii-console', runtime: 'browser', version: 'console', isolation: 'console',
        description: 'The engine console in a browser'}});
    this.send({type: 'registerfunction', id: this.eventFunction,
      description: 'Discovery events for the console', metadata: {internal: true, console: true}});
    for (const type of EVENT_TYPES) {
      this.send({type: 'registertrigger', id: `${this.eventFunction}::${type}`, trigger_type: type,
        function_id: this.eventFunction, config: {}});
    }
  }

  /** Calls a function; resolves with {result} or {error}, and the latency in milliseconds. */
  call(functionId, data) {
    if (!this.workerId) return Promise.reject(new Error('not connected to the engine'));
    const id = uuid();
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.pending.set(id, {resolve, reject});
      this.send({type: 'invokefunction', invocation_id: id, function_id: functionId, data});
    }).then(frame => ({result: frame.result, error: frame.error, ms: performance.now() - started}));
  }

  /** Calls a listing; resolves with its result, rejects with its error. */
  async list(functionId, data = {}) {
    const answer = await this.call(functionId, data);
    if (answer.error) throw new Error(`${functionId}: ${answer.error.message ?? answer.error.code}`);
    return answer.result;
  }
}
