// Vigil console, the meeting view (docs/console.md, "Meeting view"): every
// gateway's latest digest side by side, and the proposals and resolutions
// recorded with an owner and a due date until done. Loaded before
// console.js, whose state, $, el and ws it uses once initMeeting() runs.
'use strict';

// The browser's local date, YYYY-MM-DD: due dates are days on the meeting's calendar.
function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}
function duration(s) {
  s = Number(s) || 0;
  if (s < 3600) return Math.round(s / 60) + ' min';
  if (s < 172800) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' d';
}

function initMeeting() {
  const show = (meeting) => {
    $('meeting-view').hidden = !meeting;
    $('guard-view').hidden = meeting;
    $('tab-meeting').classList.toggle('active', meeting);
    $('tab-guard').classList.toggle('active', !meeting);
  };
  $('tab-guard').addEventListener('click', () => show(false));
  $('tab-meeting').addEventListener('click', () => show(true));
  $('followup-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    meetingSend({ op: 'followup-add', kind: $('fu-kind').value, text: $('fu-text').value.trim(),
      owner: $('fu-owner').value, due: $('fu-due').value });
  });
}

function meetingSend(request) {
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    meetingStatus(false, 'not connected to the console');
    return;
  }
  request.ref = 'm' + (++state.refs);
  ws.send(JSON.stringify(request));
  meetingStatus(true, 'sending…');
}
function meetingStatus(ok, text) {
  $('meeting-reply').textContent = text;
  $('meeting-reply').dataset.ok = ok;
}
function meetingAnswer(m) {
  meetingStatus(m.ok, (m.ok ? '' : 'refused: ') + m.message);
  if (m.ok && m.message.startsWith('recorded')) $('fu-text').value = '';
}

function renderOwners() {
  const select = $('fu-owner');
  const chosen = select.value || state.user;
  select.replaceChildren();
  for (const o of state.operators) {
    const opt = el('option', '', o.name + ' (' + o.user + ')');
    opt.value = o.user;
    select.append(opt);
  }
  select.value = chosen;
}

function digestCard(d) {
  const card = el('section', 'digest');
  card.dataset.key = d.site + '/' + d.gateway;
  card.append(el('h3', '', d.site + ' / ' + d.gateway));
  card.append(el('div', 'note', 'digest of ' + d.time + ' (since ' + d.since + ')'));
  const list = (title, cls, items, line, flag) => {
    card.append(el('h4', '', title + ' (' + items.length + ')'));
    const ul = el('ul', cls);
    for (const i of items) {
      const li = el('li', flag && flag(i) ? 'overdue' : '', line(i));
      ul.append(li);
    }
    card.append(ul);
  };
  list('Open incidents', 'open', d.open || [],
    (i) => i.kind + ' · ' + i.severity + ' · zone ' + i.zone + ' · open ' + duration(i.age_s) + ' · ' + i.state + (i.level_name ? ' (' + i.level_name + ')' : ''));
  const raised = d.raised || { total: 0, by_kind: {}, by_zone: {} };
  card.append(el('h4', '', 'Raised since last: ' + raised.total));
  const counts = (title, cls, obj) => {
    const entries = Object.entries(obj || {});
    if (!entries.length) return;
    card.append(el('div', 'raised ' + cls, title + ': ' + entries.map(([k, n]) => k + ' ' + n).join(', ')));
  };
  counts('by kind', 'by-kind', raised.by_kind);
  counts('by zone', 'by-zone', raised.by_zone);
  list('Open deficiencies', 'deficiencies', d.deficiencies || [],
    (i) => i.kind + ' · ' + i.item + ' · zone ' + i.zone + ' · ' + duration(i.age_s) + (i.due ? ' · due ' + i.due : '') + (i.overdue ? ' · OVERDUE' : '') + (i.note ? ' · ' + i.note : ''),
    (i) => i.overdue);
  list('Resolved since last', 'resolved', d.resolved || [],
    (i) => i.kind + ' · zone ' + i.zone + ' · by ' + i.resolved_by + (i.note ? ': ' + i.note : ''));
  return card;
}

function renderFollowups() {
  const body = $('followups').tBodies[0];
  body.replaceChildren();
  const today = localToday();
  for (const f of state.followups) {
    const overdue = f.status === 'open' && f.due < today;
    const tr = el('tr', f.status + (overdue ? ' overdue' : ''));
    tr.dataset.id = f.id;
    tr.dataset.status = overdue ? 'overdue' : f.status;
    for (const text of ['#' + f.id, f.kind, f.text, f.owner, f.due, overdue ? 'OVERDUE' : f.status,
      f.created_by + ' ' + f.created_at, f.status === 'done' ? f.done_by + ' ' + f.done_at : '']) {
      tr.append(el('td', '', text));
    }
    const action = el('td');
    if (f.status === 'open' && (f.owner === state.user || state.meetingChair)) {
      const b = el('button', 'followup-done', 'Mark done');
      b.onclick = () => meetingSend({ op: 'followup-done', id: f.id });
      action.append(b);
    }
    tr.append(action);
    body.append(tr);
  }
}

function renderMeeting() {
  const box = $('digests');
  box.replaceChildren(...state.digests.map(digestCard));
  $('digests-empty').hidden = state.digests.length > 0;
  if ($('fu-owner').options.length !== state.operators.length) renderOwners();
  renderFollowups();
}
