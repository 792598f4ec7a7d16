// The inspector page: one WebSocket to the `aura inspect` server, which sends a `hello` with
// everything (machines as SVG, actors, recent events, episodes, gauges, controls) and then small
// `update`s. Plain DOM, no framework, nothing fetched from elsewhere.

const $ = (sel) => document.querySelector(sel);
const LOG_ROWS = 1000;

const view = {
  machines: new Map(), // id → { svg, summary }
  actors: new Map(), // id → actor view
  selected: null,
  episodes: [],
  logFilter: '',
  control: null,
  finished: null,
  connected: false,
};

let socket = null;

function connect() {
  const ws = new WebSocket(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
  );
  socket = ws;
  ws.addEventListener('open', () => {
    view.connected = true;
    renderStatus();
  });
  ws.addEventListener('close', () => {
    view.connected = false;
    renderStatus();
    setTimeout(connect, 1000);
  });
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === 'hello') onHello(msg);
    else if (msg.type === 'update') onUpdate(msg);
    else if (msg.type === 'control') onControl(msg.control);
  });
}

function send(command) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(command));
}

// ── messages ────────────────────────────────────────────────────────────────

function onHello(msg) {
  const r = msg.run;
  $('#run').textContent = `${r.scenario} · ${r.config} · ${r.traffic} · seed ${r.seed}`;
  view.machines = new Map(msg.machines.map((m) => [m.id, m]));
  view.actors = new Map();
  rows.clear();
  $('#actors tbody').textContent = '';
  $('#log tbody').textContent = '';
  view.episodes = [];
  applyActors(msg.actors, false);
  if (!view.selected || !view.actors.has(view.selected)) {
    const ids = [...view.actors.values()];
    const pick =
      ids.find((a) => a.machine === 'planner') ??
      ids.find((a) => a.machine === 'baseStation') ??
      ids[0];
    if (pick) select(pick.id);
  } else {
    select(view.selected);
  }
  appendLog(msg.log, 0);
  appendEpisodes(msg.episodes);
  renderGauges(msg.gauges);
  onControl(msg.control);
  view.finished = msg.finished;
  renderStatus();
}

function onUpdate(msg) {
  applyActors(msg.actors, true);
  appendLog(msg.log, msg.skipped);
  appendEpisodes(msg.episodes);
  renderGauges(msg.gauges);
  onControl(msg.control);
  view.finished = msg.finished;
  renderStatus();
}

function onControl(control) {
  view.control = control;
  $('#sim-time').textContent = (control.simMs / 1000).toFixed(1);
  $('#steps').textContent = String(control.steps);
  const speed = String(control.speed);
  const select = $('#speed');
  if (![...select.options].some((o) => o.value === speed)) {
    select.add(new Option(`${speed}×`, speed));
  }
  select.value = speed;
  renderStatus();
}

// ── actors and the statechart ───────────────────────────────────────────────

const rows = new Map(); // actor id → its row in the list

function applyActors(actors, flash) {
  const body = $('#actors tbody');
  for (const actor of actors) {
    const before = view.actors.get(actor.id);
    view.actors.set(actor.id, actor);
    let row = rows.get(actor.id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.actor = actor.id;
      row.innerHTML =
        '<td><span class="id"></span><small class="machine"></small></td><td class="state"></td>';
      row.addEventListener('click', () => select(actor.id));
      body.append(row);
      rows.set(actor.id, row);
    }
    row.querySelector('.id').textContent = actor.id;
    row.querySelector('.machine').textContent = actor.machine;
    const cell = row.querySelector('.state');
    cell.textContent = actor.status === 'active' ? actor.state : `${actor.state} (${actor.status})`;
    if (flash && before && before.state !== actor.state) {
      cell.classList.remove('flash');
      void cell.offsetWidth; // restart the animation
      cell.classList.add('flash');
    }
  }
  const selected = view.actors.get(view.selected);
  if (selected && actors.some((a) => a.machine === selected.machine)) highlight(selected);
}

function select(id) {
  const actor = view.actors.get(id);
  if (!actor) return;
  view.selected = id;
  for (const row of document.querySelectorAll('#actors tbody tr')) {
    row.classList.toggle('selected', row.dataset.actor === id);
  }
  const machine = view.machines.get(actor.machine);
  const chart = $('#chart');
  chart.dataset.machine = actor.machine;
  chart.dataset.actor = id;
  // The SVG is drawn by our own server from the machine definitions (text escaped there).
  chart.innerHTML = machine ? machine.svg : '<p class="muted">no diagram for this actor</p>';
  $('#chart-title').textContent =
    `${id} (${actor.machine})${machine ? ` — ${machine.summary}` : ''}`;
  highlight(actor);
}

// The selected actor's states are filled; those of the other actors of the same machine (the
// other base stations, say) are outlined, with their names in the state's tooltip.
function highlight(actor) {
  const active = new Set(actor.active);
  const peers = new Map();
  for (const other of view.actors.values()) {
    if (other.machine !== actor.machine || other.id === actor.id) continue;
    for (const id of other.active) peers.set(id, [...(peers.get(id) ?? []), other.id]);
  }
  for (const g of document.querySelectorAll('#chart g[data-state-id]')) {
    const id = g.dataset.stateId;
    g.classList.toggle('active', active.has(id));
    g.classList.toggle('peer', peers.has(id));
    let title = g.querySelector('title');
    if (!title) {
      title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      g.prepend(title);
    }
    const here = [...(active.has(id) ? [actor.id] : []), ...(peers.get(id) ?? [])];
    title.textContent = here.length ? `${id}: ${here.join(', ')}` : id;
  }
  $('#chart').dataset.state = actor.state;
}

// ── event log ───────────────────────────────────────────────────────────────

let logTotal = 0;
let logSkipped = 0;

function matches(row) {
  return !view.logFilter || row.dataset.text.includes(view.logFilter);
}

function appendLog(entries, skipped) {
  const scroll = $('#log-scroll');
  const atBottom = scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 30;
  const body = $('#log tbody');
  const frag = document.createDocumentFragment();
  for (const e of entries) {
    const row = document.createElement('tr');
    const cells = [(e.t / 1000).toFixed(3), e.type, e.from ?? '—', e.to, e.detail];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      row.append(td);
    }
    row.dataset.text = cells.join(' ').toLowerCase();
    row.hidden = !matches(row);
    frag.append(row);
  }
  body.append(frag);
  while (body.rows.length > LOG_ROWS) body.deleteRow(0);
  logTotal += entries.length;
  logSkipped += skipped;
  $('#log-count').textContent =
    `${logTotal} shown${logSkipped ? `, ${logSkipped} skipped at full speed` : ''} (last ${LOG_ROWS} kept)`;
  if (atBottom) scroll.scrollTop = scroll.scrollHeight;
}

$('#log-filter').addEventListener('input', (ev) => {
  view.logFilter = ev.target.value.trim().toLowerCase();
  for (const row of $('#log tbody').rows) row.hidden = !matches(row);
});

// ── gauges and metrics ──────────────────────────────────────────────────────

function gauge(label, value, kind) {
  const row = document.createElement('div');
  row.className = 'gauge';
  const pct = value == null ? 0 : Math.max(0, Math.min(1, value)) * 100;
  row.innerHTML = `<span></span><div class="bar ${kind}"><div style="width:${pct.toFixed(1)}%"></div></div><span class="num"></span>`;
  row.children[0].textContent = label;
  row.children[2].textContent = value == null ? '—' : value.toFixed(2);
  return row;
}

function renderGauges(g) {
  const agents = $('#agents');
  agents.textContent = '';
  for (const a of g.agents) {
    const box = document.createElement('div');
    box.className = 'agent';
    box.dataset.cell = a.cell;
    const title = document.createElement('b');
    title.textContent = a.cell;
    box.append(title, gauge('trust', a.trust, 'trust'), gauge('LLM usage', a.llmUsage, 'llm'));
    agents.append(box);
  }
  const planner = $('#planner');
  if (g.planner) {
    planner.classList.remove('muted');
    planner.innerHTML =
      '<dl><dt>planners</dt><dd id="planner-count"></dd><dt>queue depth</dt><dd id="planner-queued"></dd><dt>in flight</dt><dd id="planner-inflight"></dd><dt>calls</dt><dd id="planner-calls"></dd></dl>';
    $('#planner-count').textContent = String(g.planner.planners);
    $('#planner-queued').textContent = String(g.planner.queued);
    $('#planner-inflight').textContent = String(g.planner.inFlight);
    $('#planner-calls').textContent = String(g.planner.calls);
  }
  $('#phase').textContent = g.phase == null ? '—' : `${g.phase} episode ${g.episode + 1}`;
}

const METRICS = [
  ['dropped requests', (e) => e.droppedRequests],
  ['dropped handoffs', (e) => e.droppedHandoffs],
  ['system failures', (e) => e.systemFailures],
  ['mean reward', (e) => e.meanReward],
  ['LLM usage', (e) => e.llmUsage],
  ['mean trust', (e) => e.meanTrust],
];

function appendEpisodes(episodes) {
  if (episodes.length === 0 && view.episodes.length > 0) return;
  view.episodes.push(...episodes);
  const box = $('#metrics');
  box.textContent = '';
  const eps = view.episodes;
  for (const [name, pick] of METRICS) {
    const values = eps.map(pick);
    if (values.every((v) => v == null) && eps.length > 0) continue;
    const div = document.createElement('div');
    div.className = 'metric';
    div.dataset.metric = name;
    const last = values.length ? values[values.length - 1] : null;
    const head = document.createElement('div');
    head.textContent = `${name}: ${last == null ? '—' : Number.isInteger(last) ? last : last.toFixed(3)}`;
    div.append(head, sparkline(values, eps));
    box.append(div);
  }
}

function sparkline(values, eps) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  const n = Math.max(values.length, 2);
  const nums = values.filter((v) => v != null);
  const lo = Math.min(0, ...nums);
  const hi = Math.max(lo + 1e-9, ...nums);
  svg.setAttribute('viewBox', `0 0 ${n - 1} 100`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const firstTest = eps.findIndex((e) => e.phase === 'test');
  if (firstTest >= 0) {
    const rect = document.createElementNS(NS, 'rect');
    rect.setAttribute('class', 'test');
    rect.setAttribute('x', String(firstTest));
    rect.setAttribute('width', String(n - 1 - firstTest));
    rect.setAttribute('y', '0');
    rect.setAttribute('height', '100');
    svg.append(rect);
  }
  const points = values
    .map((v, i) => (v == null ? null : `${i},${(96 - ((v - lo) / (hi - lo)) * 92).toFixed(2)}`))
    .filter(Boolean);
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('class', 'line');
  line.setAttribute('points', points.join(' '));
  svg.append(line);
  return svg;
}

// ── status and controls ─────────────────────────────────────────────────────

function renderStatus() {
  const el = $('#status');
  let text;
  let cls;
  if (!view.connected) [text, cls] = ['disconnected', 'error'];
  else if (view.finished) [text, cls] = ['finished', 'finished'];
  else if (view.control?.paused) [text, cls] = ['paused', 'paused'];
  else [text, cls] = ['running', 'running'];
  el.textContent = text;
  el.className = `status ${cls}`;
}

$('#play').addEventListener('click', () => send({ type: 'play' }));
$('#pause').addEventListener('click', () => send({ type: 'pause' }));
$('#step').addEventListener('click', () => send({ type: 'step' }));
$('#speed').addEventListener('change', (ev) => send({ type: 'speed', speed: ev.target.value }));
// Keys: space plays or pauses, "s" steps (not while typing in the filter).
document.addEventListener('keydown', (ev) => {
  if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
  if (ev.key === ' ') send({ type: view.control?.paused ? 'play' : 'pause' });
  else if (ev.key === 's') send({ type: 'step' });
  else return;
  ev.preventDefault();
});

connect();
