// The console's page: a snapshot of the engine's listings every second (and at once after a discovery event),
// rendered as tables, a topology picture, a services tree and an event feed; Invoke and a route's "try it". Served by
// the RBAC-gated listener, it signs in with a token: from the address's #access_token=…, else from its sign-in field.
import {Engine} from './engine.js';
import {drawTopology} from './topology.js';

const $ = id => document.getElementById(id);
const HERE = 'this engine';
let snapshot = null;
let settings = {http_port: 3111, node: null};
let knownFunctions = null;
let workerNames = new Map();
let refreshing = null;
let again = false;
let selected = null;

const TOKEN_KEY = 'iii-console-token';
let engine = null;
let expiry = null;

fetch('settings.json').then(response => response.json()).then(value => { settings = value; showNode(); }).catch(() => {})
  .finally(() => settings.gated ? signIn(tokenFromAddress()) : (engine = new Engine(discoveryEvent, connectionState)));
setInterval(refresh, 1000);
$('show-internal').addEventListener('change', render);
$('invoke-form').addEventListener('submit', event => { event.preventDefault(); invoke(); });
$('try-form').addEventListener('submit', event => { event.preventDefault(); tryRoute(); });
$('sign-in').addEventListener('submit', event => {
  event.preventDefault();
  signIn($('sign-in-token').value.trim());
});

function connectionState(state, workerId) {
  const status = $('status');
  status.className = `status ${state === 'refused' ? 'closed' : state}`;
  status.textContent = state === 'open' ? 'live' : state === 'refused' ? 'refused' : 'reconnecting…';
  if (state === 'open') {
    addEvent('console', `connected as worker ${workerId.slice(0, 8)}`);
    refresh();
  } else if (state === 'refused') {
    refused();
  }
}

// ---- sign-in (RBAC-gated listener) ------------------------------------------------------------------------------

/** The token of the address's fragment (then taken out of the address bar), else the one of this tab. */
function tokenFromAddress() {
  const given = new URLSearchParams(location.hash.slice(1)).get('access_token');
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The token's expiry in epoch milliseconds, or null when it has none (or is not a JWT: the engine judges it). */
function expiresAt(token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

function signIn(token) {
  if (!token) {
    showSignIn('Sign in with a token (a JWT of the console\'s group).');
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  const expires = expiresAt(token);
  if (expires !== null && expires <= Date.now()) {
    signOut('The token has expired: sign in with a new one.');
    return;
  }
  $('sign-in').hidden = true;
  engine?.stop();
  engine = new Engine(discoveryEvent, connectionState, token);
  clearTimeout(expiry);
  if (expires !== null) {
    expiry = setTimeout(() => signOut('The token has expired: sign in with a new one.'),
      Math.min(expires - Date.now(), 2 ** 31 - 1));
  }
}

/** The engine refused the upgrade, or cannot be reached: the page's own settings tell which. */
function refused() {
  fetch('settings.json', {cache: 'no-store'}).then(response => {
    if (!response.ok) throw new Error(String(response.status));
    signOut('The engine refused this token (401/403): it is invalid or expired, or its groups do not include '
      + 'the console\'s group.');
  }).catch(() => setTimeout(() => engine?.connect(), 1000));
}

function signOut(message) {
  clearTimeout(expiry);
  engine?.stop();
  engine = null;
  sessionStorage.removeItem(TOKEN_KEY);
  connectionState('closed');
  $('status').textContent = 'signed out';
  showSignIn(message);
}

function showSignIn(message) {
  $('sign-in-message').textContent = message;
  $('sign-in-token').value = '';
  $('sign-in').hidden = false;
}

// ---- data -------------------------------------------------------------------------------------------------------

async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = load().catch(() => {}).finally(() => {
    refreshing = null;
    if (again) {
      again = false;
      refresh();
    }
  });
  return refreshing;
}

async function load() {
  if (!engine) return;
  const all = {include_internal: true};
  // signed in, a listing the token's groups do not grant is shown empty
  const list = (id, data, empty) => settings.gated ? engine.list(id, data).catch(() => empty) : engine.list(id, data);
  const [workers, functions, stats, triggers, types, services] = await Promise.all([
    list('engine::workers::list', {}, {workers: []}),
    list('engine::functions::list', all, {functions: []}),
    list('engine::functions::stats', all, {functions: []}),
    list('engine::registered-triggers::list', {...all, include_parked: true}, {registered_triggers: []}),
    list('engine::trigger-types::list', all, {trigger_types: []}),
    list('engine::services::list', {}, {services: []}),
  ]);
  const statsById = new Map(stats.functions.map(row => [row.function_id, row]));
  snapshot = {
    workers: workers.workers,
    functions: functions.functions.map(row => ({...row, stats: statsById.get(row.function_id)})),
    triggers: triggers.registered_triggers,
    types: types.trigger_types,
    services: services.services,
  };
  workerNames = new Map(snapshot.workers.map(worker => [worker.id, worker.name ?? worker.id.slice(0, 8)]));
  if (knownFunctions === null) knownFunctions = new Set(snapshot.functions.map(row => row.function_id));
  render();
}

function discoveryEvent(payload) {
  if (!payload || typeof payload !== 'object') return;
  if (payload.event === 'functions_changed' && Array.isArray(payload.functions)) {
    const now = new Set(payload.functions.map(row => row.function_id));
    if (knownFunctions !== null) {
      for (const id of now) if (!knownFunctions.has(id) && !isConsoles(id)) addEvent('registered', id);
      for (const id of knownFunctions) if (!now.has(id) && !isConsoles(id)) addEvent('unregistered', id);
    }
    knownFunctions = now;
  } else if (payload.worker_id && payload.worker_id !== engine?.workerId) {
    const name = () => workerNames.get(payload.worker_id) ?? payload.worker_id.slice(0, 8);
    if (payload.event === 'worker_disconnected') {
      addEvent('disconnected', name());
    } else {
      refresh().then(() => addEvent(payload.event === 'worker_connected' ? 'connected' : 'described', name()));
      return;
    }
  }
  refresh();
}

function isConsoles(functionId) {
  return functionId.startsWith('console::events::');
}

function isInternal(fn) {
  return fn.function_id.startsWith('engine::') || fn.function_id.startsWith('_internal.')
    || fn.metadata?.internal === true;
}

function isConsoleWorker(worker) {
  return worker.isolation === 'console';
}

/** In a cluster, the engine the page is served by (settings.node is null on one engine). */
function showNode() {
  $('node').hidden = !settings.node;
  $('node').textContent = settings.node ? `node ${settings.node}` : '';
  $('node').title = 'The cluster node of this engine';
}

function nodeOf(row) {
  return !settings.node || row.node === settings.node ? HERE : row.node;
}

// ---- rendering --------------------------------------------------------------------------------------------------

function cell(text, className) {
  const td = document.createElement('td');
  if (text instanceof Node) td.append(text); else td.textContent = text ?? '–';
  if (className) td.className = className;
  return td;
}

function tag(text, className) {
  const span = document.createElement('span');
  span.className = `tag ${className}`;
  span.textContent = text;
  return span;
}

function code(text) {
  const element = document.createElement('code');
  element.textContent = text;
  return element;
}

function fill(tableId, rows, build, empty) {
  const body = $(tableId).tBodies[0];
  const built = rows.map(build);
  if (built.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(empty, 'empty');
    td.colSpan = $(tableId).tHead.rows[0].cells.length;
    tr.append(td);
    built.push(tr);
  }
  // A row whose content is unchanged stays the same element: a click on it is never lost to a refresh that lands
  // between the button's press and its release.
  const shown = new Map([...body.rows].map(tr => [tr.outerHTML, tr]));
  const next = built.map(tr => {
    const html = tr.outerHTML;
    const same = shown.get(html);
    shown.delete(html);
    return same ?? tr;
  });
  const kept = new Set(next);
  for (const tr of [...body.rows]) if (!kept.has(tr)) tr.remove();
  next.forEach((tr, i) => { if (body.rows[i] !== tr) body.insertBefore(tr, body.rows[i] ?? null); });
}

function ms(value) {
  return value === undefined ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function since(epochMs) {
  const seconds = Math.max(0, Math.round((Date.now() - epochMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds % 3600 / 60)} min ago`;
}

function metrics(latest) {
  if (!latest) return '–';
  const parts = [];
  if (latest.cpu_percent !== undefined) parts.push(`cpu ${Number(latest.cpu_percent).toFixed(1)} %`);
  if (latest.memory_heap_used !== undefined) parts.push(`heap ${(latest.memory_heap_used / 1048576).toFixed(0)} MiB`);
  if (latest.event_loop_lag_ms !== undefined) parts.push(`lag ${Number(latest.event_loop_lag_ms).toFixed(1)} ms`);
  return parts.join(' · ') || '–';
}

function render() {
  if (!snapshot) return;
  const showInternal = $('show-internal').checked;
  const workers = snapshot.workers;
  const functions = snapshot.functions.filter(fn => showInternal || !isInternal(fn));
  const visibleWorkers = workers.filter(worker => !isConsoleWorker(worker));
  const triggers = snapshot.triggers.filter(trigger => showInternal || !isConsoles(trigger.function_id));
  const userTriggers = snapshot.triggers.filter(trigger => !isConsoles(trigger.function_id));
  const parked = userTriggers.filter(trigger => trigger.parked).length;
  $('summary').textContent = `${visibleWorkers.length} workers · `
    + `${snapshot.functions.filter(fn => !isInternal(fn)).length} functions · `
    + `${userTriggers.length} triggers (${parked} parked)`;

  fill('workers', workers, worker => {
    const tr = document.createElement('tr');
    tr.dataset.workerId = worker.id;
    const name = document.createElement('span');
    name.append(worker.name ?? worker.id.slice(0, 8));
    if (isConsoleWorker(worker)) name.append(' ', tag(worker.id === engine?.workerId ? 'this console' : 'console', 'console'));
    name.title = worker.id;
    tr.append(cell(name, 'name'), cell(worker.runtime), cell(worker.version), cell(worker.ip_address),
      cell(nodeOf(worker)), cell(since(worker.connected_at_ms)), cell(String(worker.function_count), 'num'),
      cell(String(worker.active_invocations), 'num'), cell(metrics(worker.latest_metrics), 'metrics'));
    if (isConsoleWorker(worker)) tr.className = 'console';
    return tr;
  }, 'No workers connected');

  fill('functions', functions, fn => {
    const tr = document.createElement('tr');
    tr.dataset.functionId = fn.function_id;
    if (selected === fn.function_id) tr.className = 'selected';
    const stats = fn.stats ?? {};
    const button = document.createElement('button');
    button.textContent = 'Invoke';
    button.className = 'small';
    button.addEventListener('click', () => select(fn.function_id));
    const id = code(fn.function_id);
    id.title = formats(fn);
    tr.append(cell(id), cell(fn.worker_name, 'owner'), cell(fn.description ?? '', 'description'),
      cell(String(stats.calls ?? 0), 'num calls'), cell(String(stats.errors ?? 0), stats.errors ? 'num errors bad' : 'num errors'),
      cell(String(stats.in_flight ?? 0), 'num'), cell(ms(stats.average_ms), 'num'), cell(ms(stats.p50_ms), 'num'),
      cell(ms(stats.p99_ms), 'num'), cell(button));
    return tr;
  }, 'No functions registered');

  fill('triggers', triggers, trigger => {
    const tr = document.createElement('tr');
    tr.dataset.triggerId = trigger.id;
    tr.dataset.functionId = trigger.function_id;
    tr.className = trigger.parked ? 'parked' : 'active';
    const id = code(trigger.id.length > 20 ? `${trigger.id.slice(0, 8)}…` : trigger.id);
    id.title = trigger.id;
    tr.append(cell(id), cell(code(trigger.trigger_type)), cell(code(trigger.function_id)), cell(trigger.worker_name),
      cell(trigger.parked ? tag('parked', 'parked') : tag('active', 'active')));
    tr.title = trigger.parked ? 'Parked: no worker provides this trigger type yet' : JSON.stringify(trigger.config);
    return tr;
  }, 'No triggers registered');

  const typeIds = new Set(snapshot.types.map(type => type.id));
  const missing = [...new Set(snapshot.triggers.filter(t => t.parked).map(t => t.trigger_type))]
    .filter(id => !typeIds.has(id)).map(id => ({id, worker_name: null, description: 'not provided: its triggers are parked', missing: true}));
  const types = snapshot.types.filter(type => showInternal || !type.id.startsWith('engine::'));
  fill('trigger-types', [...types, ...missing], type => {
    const tr = document.createElement('tr');
    tr.dataset.typeId = type.id;
    if (type.missing) tr.className = 'parked';
    const count = userTriggers.filter(trigger => trigger.trigger_type === type.id).length;
    tr.append(cell(code(type.id)), cell(type.missing ? tag('missing', 'parked') : type.worker_name),
      cell(type.description, 'description'), cell(String(count), 'num'));
    return tr;
  }, 'No trigger types');

  const routes = snapshot.triggers.filter(trigger => trigger.trigger_type === 'http' && trigger.config?.api_path);
  fill('routes', routes, route => {
    const tr = document.createElement('tr');
    const method = (route.config.http_method ?? 'GET').toUpperCase();
    const path = `/${String(route.config.api_path).replace(/^\//, '')}`;
    tr.dataset.routePath = path;
    const button = document.createElement('button');
    button.textContent = 'Try it';
    button.className = 'small';
    button.addEventListener('click', () => showTry(method, path));
    tr.append(cell(tag(method, 'method')), cell(code(path)), cell(code(route.function_id)), cell(button));
    return tr;
  }, 'No HTTP routes');

  renderServices();
  drawTopology($('topology'), {
    workers: visibleWorkers.map(worker => ({id: worker.id, label: worker.name ?? worker.id.slice(0, 8),
      node: worker.node})),
    functions: functions.filter(fn => fn.worker_id && !isConsoles(fn.function_id))
      .map(fn => ({id: fn.function_id, owner: fn.worker_id})),
    types: [...new Set(snapshot.triggers.filter(t => !isConsoles(t.function_id)).map(t => t.trigger_type))]
      .sort().map(id => ({id, parked: !typeIds.has(id)})),
    bindings: snapshot.triggers.filter(t => !isConsoles(t.function_id))
      .map(t => ({function: t.function_id, type: t.trigger_type, parked: t.parked})),
  });
}

function formats(fn) {
  return `request: ${JSON.stringify(fn.request_format)}\nresponse: ${JSON.stringify(fn.response_format)}`;
}

function renderServices() {
  const children = new Map();
  for (const service of snapshot.services) {
    const parent = service.parent_service_id ?? null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(service);
  }
  const ids = new Set(snapshot.services.map(service => service.id));
  const branch = (services, depth) => services.map(service => {
    const li = document.createElement('li');
    li.dataset.serviceId = service.id;
    const title = document.createElement('span');
    title.className = 'service';
    title.textContent = service.name && service.name !== service.id ? `${service.id} — ${service.name}` : service.id;
    li.append(title);
    const list = document.createElement('ul');
    for (const id of service.functions) {
      const item = document.createElement('li');
      item.append(code(id));
      list.append(item);
    }
    if (depth < 16) list.append(...branch(children.get(service.id) ?? [], depth + 1));
    if (list.children.length) li.append(list);
    return li;
  });
  const roots = snapshot.services.filter(service => !service.parent_service_id || !ids.has(service.parent_service_id));
  const tree = branch(roots, 0);
  if (tree.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = 'No services';
    tree.push(li);
  }
  $('services').replaceChildren(...tree);
}

// ---- invoke and try it ------------------------------------------------------------------------------------------

/** A sample value for a request format: JSON Schema ({type, properties}) or iii's field map ({name: {type}}). */
function sample(format, depth = 0) {
  if (!format || typeof format !== 'object' || depth > 8) return {};
  if (Array.isArray(format)) return [];
  const types = {string: '', number: 0, integer: 0, boolean: false, array: [], null: null};
  if (typeof format.type === 'string') {
    if (format.type === 'object') {
      return Object.fromEntries(Object.entries(format.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]));
    }
    if (format.type in types) return format.example ?? types[format.type];
  }
  return Object.fromEntries(Object.entries(format).map(([k, v]) => [k, sample(v, depth + 1)]));
}

function select(functionId) {
  selected = functionId;
  const fn = snapshot.functions.find(row => row.function_id === functionId);
  $('invoke-hint').hidden = true;
  $('invoke-form').hidden = false;
  $('invoke-function').textContent = functionId;
  $('invoke-payload').value = JSON.stringify(sample(fn?.request_format), null, 2);
  $('invoke-outcome').hidden = true;
  render();
  $('invoke-payload').focus();
}

async function invoke() {
  const outcome = $('invoke-outcome');
  let data;
  try {
    data = JSON.parse($('invoke-payload').value || 'null');
  } catch (e) {
    show(outcome, 'invoke', 'bad', 'not JSON', '', e.message);
    return;
  }
  $('invoke-button').disabled = true;
  try {
    const answer = await engine.call(selected, data);
    if (answer.error) {
      show(outcome, 'invoke', 'bad', `error ${answer.error.code ?? ''}`, answer.ms, JSON.stringify(answer.error, null, 2));
    } else {
      show(outcome, 'invoke', 'good', 'ok', answer.ms, JSON.stringify(answer.result ?? null, null, 2));
    }
  } catch (e) {
    show(outcome, 'invoke', 'bad', 'failed', '', e.message);
  } finally {
    $('invoke-button').disabled = false;
    refresh();
  }
}

function show(outcome, prefix, kind, state, latency, text) {
  outcome.hidden = false;
  outcome.className = `outcome ${kind}`;
  $(`${prefix}-state`).textContent = state;
  $(`${prefix}-latency`).textContent = latency === '' ? '' : `${latency.toFixed(1)} ms`;
  $(`${prefix}-result`).textContent = text;
}

function showTry(method, path) {
  const scheme = location.protocol === 'https:' ? 'https' : 'http';
  $('try').hidden = false;
  $('try-method').replaceChildren(...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map(m => new Option(m, m, m === method, m === method)));
  $('try-url').value = `${scheme}://${location.hostname}:${settings.http_port}${path}`;
  $('try-body').value = method === 'GET' || method === 'DELETE' ? '' : '{}';
  $('try-outcome').hidden = true;
  $('try').scrollIntoView({block: 'nearest'});
}

async function tryRoute() {
  const method = $('try-method').value;
  const body = $('try-body').value;
  const started = performance.now();
  $('try-button').disabled = true;
  try {
    const response = await fetch($('try-url').value, {method,
      headers: body ? {'content-type': 'application/json'} : {},
      body: method === 'GET' || method === 'HEAD' ? undefined : body || undefined});
    const text = await response.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: as it came */ }
    show($('try-outcome'), 'try', response.ok ? 'good' : 'bad', `${response.status} ${response.statusText}`,
      performance.now() - started, shown);
  } catch (e) {
    show($('try-outcome'), 'try', 'bad', 'failed', '', e.message);
  } finally {
    $('try-button').disabled = false;
    refresh();
  }
}

// ---- event feed -------------------------------------------------------------------------------------------------

function addEvent(kind, text) {
  const li = document.createElement('li');
  li.className = `event ${kind}`;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString([], {hour12: false});
  li.append(time, tag(kind, kind), document.createTextNode(` ${text}`));
  const list = $('events');
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}
