// Vigil guard console: plain JavaScript, no build step, no outside package.
// Talks to vigil-console over /ws (JSON messages, docs/console.md); every
// text from the broker goes into the page through textContent only.
'use strict';

const state = { gateways: new Map(), queue: [], broker: { up: false, why: '' }, socket: false,
                user: null, canSign: false, refs: 0, digests: [], followups: [], operators: [],
                meetingChair: false, replyTimeoutS: 10, pending: new Map() };
let ws = null;
let audio = null;
let retryMs = 500;

const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- login ----
async function checkSession() {
  const r = await fetch('/api/me', { credentials: 'same-origin' });
  if (r.ok) { const me = await r.json(); loggedIn(me.user, me.name); } else { showLogin(); }
}
function showLogin() { $('app').hidden = true; $('login').hidden = false; }
function loggedIn(user, name) {
  state.user = user;
  $('who').textContent = name + ' (' + user + ')';
  $('login').hidden = true;
  $('app').hidden = false;
  connect();
}
$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  unlockAudio();
  $('login-error').textContent = '';
  const r = await fetch('/login', { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: $('user').value, password: $('password').value }) });
  const answer = await r.json().catch(() => ({}));
  $('password').value = '';
  if (r.ok) loggedIn($('user').value, answer.name); else $('login-error').textContent = answer.message || 'login failed';
});
$('logout').addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
  if (ws) { ws.onclose = null; ws.close(); ws = null; }
  for (const t of state.pending.values()) clearTimeout(t);
  state.pending.clear();
  state.user = null;
  showLogin();
});

// ---- sound: a short beep for each new critical incident ----
function unlockAudio() {
  try { if (!audio) audio = new AudioContext(); if (audio.state === 'suspended') audio.resume(); } catch (e) { audio = null; }
}
function beep() {
  if (!audio) return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'square';
  osc.frequency.value = 880;
  gain.gain.value = 0.2;
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.35);
}
document.addEventListener('click', unlockAudio);

// ---- socket ----
function connect() {
  const proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
  ws = new WebSocket(proto + location.host + '/ws');
  ws.onopen = () => { state.socket = true; state.closeWhy = ''; retryMs = 500; render(); };
  ws.onmessage = (ev) => handle(JSON.parse(ev.data));
  // The console closes a browser that fell behind ("too slow: ..."): the page
  // reconnects and the snapshot it gets replaces everything it showed.
  ws.onclose = (ev) => {
    state.socket = false;
    state.closeWhy = ev.reason || '';
    render();
    if (state.user) setTimeout(checkSession, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };
}
function send(cmd, site, gateway, args) {
  const ref = 'r' + (++state.refs);
  ws.send(JSON.stringify({ op: 'command', ref, cmd, site, gateway, args }));
  showReply(cmd + ': sending…', true, '');
  // The gateway may be gone without a last will yet: say so rather than wait for ever.
  const seconds = state.replyTimeoutS;
  state.pending.set(ref, setTimeout(() => {
    state.pending.delete(ref);
    showReply(cmd + ' to ' + site + '/' + gateway + ': no reply from the gateway within ' + seconds + ' s', false, 'timeout');
  }, seconds * 1000));
  return ref;
}
function settle(ref) {
  const t = state.pending.get(ref);
  if (t !== undefined) { clearTimeout(t); state.pending.delete(ref); }
}
function showReply(text, ok, code) {
  $('last-reply').textContent = text;
  $('last-reply').dataset.ok = ok;
  $('last-reply').dataset.code = code;
}
function handle(m) {
  switch (m.type) {
    case 'hello':
      state.canSign = m.can_sign;
      state.meetingChair = !!m.meeting_chair;
      state.operators = m.operators || [];
      state.replyTimeoutS = m.reply_timeout_s || 10;
      break;
    case 'snapshot':
      state.gateways = new Map(m.gateways.map((g) => [g.site + '/' + g.gateway, g]));
      state.queue = m.queue;
      state.digests = m.digests || [];
      break;
    case 'digest':
      state.digests = state.digests.filter((d) => d.site !== m.site || d.gateway !== m.gateway);
      if (m.digest) state.digests.push(m.digest);
      state.digests.sort((a, b) => (a.site + '/' + a.gateway).localeCompare(b.site + '/' + b.gateway));
      break;
    case 'followups': state.followups = m.items || []; break;
    case 'gateway': state.gateways.set(m.gateway.site + '/' + m.gateway.gateway, m.gateway); break;
    case 'queue':
      state.queue = m.queue;
      if (m.raised && m.raised.severity === 'critical') beep();
      break;
    case 'broker': state.broker = { up: m.up, why: m.why }; break;
    case 'answer':
      if (String(m.ref).startsWith('m')) { meetingAnswer(m); break; }
      if (!m.ok) settle(m.ref);  // refused by the console: no reply will come
      showReply((m.ok ? 'sent: ' : 'refused: ') + m.message, m.ok, m.ok ? '' : 'console');
      break;
    case 'reply': {
      settle(m.ref);
      const r = m.reply || {};
      showReply((r.ok ? 'done: ' : 'refused (' + (r.code || '?') + '): ') + (r.cmd || '') + ' ' + (r.message || ''), !!r.ok, r.code || '');
      break;
    }
    default: break;
  }
  render();
}

// ---- confirmation dialog ----
function confirmAction(title, text, noteMode, onOk) {
  const dlg = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-note').value = '';
  $('confirm-note-label').hidden = noteMode === 'none';
  $('confirm-ok').onclick = (ev) => {
    ev.preventDefault();
    const note = $('confirm-note').value.trim();
    if (noteMode === 'required' && !note) { $('confirm-note').focus(); return; }
    dlg.close();
    onOk(note);
  };
  $('confirm-cancel').onclick = () => dlg.close();
  dlg.showModal();
}

// ---- rendering ----
function doorLook(d) {
  if (d.alarm === 'forced') return 'forced';
  if (d.alarm === 'held_open') return 'held';
  if (d.contact === 'open') return 'open';
  if (d.lock === 'unlocked' || d.lock === 'released') return 'unlocked';
  if (d.lock === 'locked') return 'locked';
  return 'unknown';
}
function age(iso) {
  const t = Date.parse(iso);
  if (isNaN(t)) return '';
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  return s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
}
function renderBanners() {
  const box = $('banners');
  box.replaceChildren();
  const add = (cls, text) => { const b = el('div', 'banner ' + cls, text); b.setAttribute('role', 'alert'); box.append(b); };
  if (!state.user) return;
  if (!state.socket) add('socket', 'Console connection lost: reconnecting');
  if (!state.broker.up) add('broker', 'Console lost the broker: no live updates (' + state.broker.why + ')');
  for (const g of state.gateways.values()) {
    if (g.status === 'offline') add('offline', 'Gateway ' + g.site + '/' + g.gateway + ' is OFFLINE');
    else if (g.status === 'degraded') add('degraded', 'Gateway ' + g.site + '/' + g.gateway + ' is degraded' + (g.reason ? ': ' + g.reason : ''));
  }
}
function renderQueue() {
  const list = $('queue');
  list.replaceChildren();
  $('queue-count').textContent = '(' + state.queue.length + ')';
  for (const q of state.queue) {
    const li = el('li', 'incident ' + (q.severity || 'major') + ' ' + q.state);
    li.dataset.id = q.id;
    li.dataset.severity = q.severity;
    li.dataset.state = q.state;
    li.dataset.kind = q.kind;
    li.append(el('div', 'head', (q.severity || '?').toUpperCase() + ' ' + (q.kind || 'incident') + (q.door ? ' at ' + q.door : '')));
    li.append(el('div', 'summary', q.summary || ''));
    li.append(el('div', 'meta', q.site + '/' + q.gateway + ' · zone ' + (q.zone || '-') + ' · #' + q.seq + ' · ' + age(q.opened) + ' · ' + q.state + (q.acknowledged_by ? ' by ' + q.acknowledged_by : '')));
    if (state.canSign && q.seq) {
      if (q.state === 'open') {
        const ack = el('button', 'ack', 'Acknowledge');
        ack.onclick = () => confirmAction('Acknowledge incident #' + q.seq, q.summary || q.kind, 'optional',
          (note) => send('incident-ack', q.site, q.gateway, note ? { incident: String(q.seq), note } : { incident: String(q.seq) }));
        li.append(ack);
      }
      const res = el('button', 'resolve', 'Resolve');
      res.onclick = () => confirmAction('Resolve incident #' + q.seq, 'Say what was done.', 'required',
        (note) => send('incident-resolve', q.site, q.gateway, { incident: String(q.seq), note }));
      li.append(res);
    }
    list.append(li);
  }
}
function renderMap() {
  const map = $('map');
  map.replaceChildren();
  for (const g of state.gateways.values()) {
    const box = el('section', 'site ' + g.status);
    box.dataset.key = g.site + '/' + g.gateway;
    box.append(el('h3', '', g.site + ' / ' + g.gateway + ' · ' + g.status));
    const zones = el('div', 'zones');
    for (const z of g.zones) {
      const locked = z.lockdown && z.lockdown !== 'none';
      const tile = el('div', 'zone' + (locked ? ' lockdown' : '') + (z.alarm === 'alarm' ? ' alarm' : ''));
      tile.dataset.zone = z.zone;
      tile.append(el('div', 'name', z.zone));
      tile.append(el('div', 'occupancy', 'occupancy ' + z.occupancy));
      tile.append(el('div', 'mode', (z.alarm && z.alarm !== 'none' ? 'alarm ' + z.alarm + ' · ' : '') + (locked ? 'LOCKDOWN' : 'no lockdown')));
      if (state.canSign) {
        const cmd = locked ? 'lockdown-release' : 'lockdown-set';
        const b = el('button', cmd, locked ? 'Release lockdown' : 'Lock down');
        b.onclick = () => confirmAction((locked ? 'Release lockdown of ' : 'Lock down ') + z.zone, 'Site ' + g.site + ', gateway ' + g.gateway + '.', 'none',
          () => send(cmd, g.site, g.gateway, { zone: z.zone }));
        tile.append(b);
      }
      zones.append(tile);
    }
    const doors = el('div', 'doors');
    for (const d of g.doors) {
      const look = doorLook(d);
      const tile = el('div', 'door ' + look);
      tile.dataset.door = d.door;
      tile.dataset.state = look;
      tile.append(el('div', 'name', d.door));
      tile.append(el('div', 'state', look + ' · lock ' + d.lock + ' · ' + d.contact));
      if (state.canSign) {
        const b = el('button', 'door-unlock', 'Release 5 s');
        b.onclick = () => confirmAction('Release door ' + d.door + ' for 5 s', 'The door unlocks for 5 seconds.', 'none',
          () => send('door-unlock', g.site, g.gateway, { door: d.door, seconds: 5 }));
        tile.append(b);
      }
      doors.append(tile);
    }
    box.append(el('h4', '', 'Zones'), zones, el('h4', '', 'Doors'), doors);
    map.append(box);
  }
}
// Muster: per zone, the count from the retained zone state (it includes the
// nested zones, so the counts are not summed) and the people directly inside
// from the gateway's muster/<zone> list, oldest entry first, named as far as
// the gateway's personal-data setting allows.
function timeOfDay(iso) {
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
function musterCell(m) {
  const td = el('td', 'people');
  if (!m) { td.append(el('span', 'note', 'no list from the gateway')); return td; }
  if (m.personal_data === 'none') {
    td.append(el('span', 'note', m.count + ' directly inside (the gateway sends counts only)'));
    return td;
  }
  const ul = el('ul', 'people');
  for (const p of m.people) {
    const li = el('li', '', (p.name ? p.name + ' (' + p.person + ')' : p.person) + ', since ' + timeOfDay(p.since));
    li.dataset.person = p.person;
    ul.append(li);
  }
  td.append(ul);
  if (m.truncated) td.append(el('span', 'truncated', '… and ' + (m.count - m.people.length) + ' more (' + m.count + ' directly inside)'));
  else if (!m.people.length) td.append(el('span', 'note', 'nobody directly inside'));
  return td;
}
function renderMuster() {
  const box = $('muster');
  box.replaceChildren();
  for (const g of state.gateways.values()) {
    const lists = new Map((g.musters || []).map((m) => [m.zone, m]));
    const table = el('table', 'muster');
    table.dataset.key = g.site + '/' + g.gateway;
    table.append(el('caption', '', g.site + ' / ' + g.gateway + (g.status === 'online' ? '' : ' (' + g.status + ': last known)')));
    const head = el('tr');
    head.append(el('th', '', 'zone'), el('th', '', 'inside'), el('th', '', 'who (directly in the zone, by time of entry)'));
    table.append(head);
    for (const z of g.zones) {
      const tr = el('tr');
      tr.dataset.zone = z.zone;
      tr.append(el('td', '', z.zone), el('td', 'count', String(z.occupancy)), musterCell(lists.get(z.zone)));
      table.append(tr);
    }
    box.append(table);
  }
}
function render() {
  $('link-state').textContent = state.socket ? (state.broker.up ? 'live' : 'no broker')
    : 'disconnected' + (state.closeWhy ? ' (' + state.closeWhy + ')' : '');
  renderBanners();
  renderQueue();
  renderMap();
  renderMuster();
  renderMeeting();
}
setInterval(() => { if (state.user) renderQueue(); }, 10000);  // ages
initMeeting();
checkSession();
