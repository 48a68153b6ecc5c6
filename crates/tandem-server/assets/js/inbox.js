// The agent workspace: views with live counts, the conversation list, one conversation with its
// header, timeline and context (customer's history, suggested articles and canned replies), live
// updates and the keyboard. Rendering of messages and the context panel is in conversation.js,
// the composer (drafts, reply/note mode) in composer.js, snoozing in snooze.js, bulk actions in bulk.js,
// editing and deleting one's own messages in message-edits.js, flagging the bot's in flags.js.
import { api, attempt, clear, el, flash, label, live, relative, when } from './api.js';
import { focusComposer, forgetConversation, insert, setupComposer, showConversation } from './composer.js';
import { evidenceIndex, messageItem, qualityLine, renderContext } from './conversation.js';
import { messageUpdated, setupMessageEdits, withEdits } from './message-edits.js';
import { withFlag } from './flags.js';
import { bulkAssignees, bulkCheckbox, render as renderBulk, setupBulk, toggle } from './bulk.js';
import { isSnoozed, renderSnooze, setupSnooze } from './snooze.js';
import { staffShell } from './shell.js';
import { announce, presenceFrame, setupPresence, viewing } from './presence.js';
import { markRead, noteList, setupUnread, unreadClass, unreadFrame, unreadMarker } from './unread.js';
import { notifyFrame, setupNotifications } from './notify.js';
import { renderInsight, touchesRootCause } from './conversation-insight.js';

const $ = (id) => document.getElementById(id);

const VIEWS = {
  mine: { title: 'Mine', query: () => ({ assignee: 'me', status: 'open' }) },
  unassigned: { title: 'Unassigned', query: () => ({ status: 'queued', assignee: 'none' }) },
  open: { title: 'All open', query: () => ({ status: 'open' }) },
  breached: { title: 'Breaching SLA', query: () => ({ sla: 'breached' }) },
  bot: { title: 'With the bot', query: () => ({ status: 'bot' }) },
  resolved: { title: 'Resolved', query: () => ({ status: 'resolved' }) },
  snoozed: { title: 'Snoozed', query: () => ({ status: 'open', snoozed: 'only' }) },
};
const COUNTED = ['mine', 'unassigned', 'open', 'breached', 'bot', 'snoozed'];

const state = {
  me: null,
  users: new Map(),
  teams: new Map(),
  view: 'mine',
  team: null,
  q: '',
  list: [],
  selected: 0,
  open: null, // the open conversation's detail
  messageIds: new Set(),
  canned: [],
  filled: { id: null, replies: [] }, // the canned replies filled in for one conversation
};

function qs(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, v);
  return search.toString();
}

function viewQuery() {
  if (state.team) return { team: state.team, status: 'open' };
  return VIEWS[state.view].query();
}

function syncUrl() {
  const params = state.team ? { team: state.team } : { view: state.view };
  if (state.q) params.q = state.q;
  if (state.open) params.c = state.open.id;
  history.replaceState(null, '', '?' + qs(params));
}

// --- the list -----------------------------------------------------------------------------------

async function loadList() {
  const page = await api('GET', '/conversations?' + qs({ ...viewQuery(), q: state.q, per_page: 100 }));
  state.list = page.conversations;
  noteList(page.conversations);
  state.selected = Math.min(state.selected, Math.max(0, state.list.length - 1));
  renderList();
}

function priorityBadge(p) {
  return p && p !== 'normal' ? el('span', { class: 'badge prio-' + p, text: label(p) }) : null;
}

function slaBadge(c) {
  if (!c.sla || c.status === 'resolved' || c.status === 'bot') return null;
  if (c.sla.first_response_breached || c.sla.resolution_breached) return el('span', { class: 'badge breach', text: 'SLA breached' });
  const due = c.sla.first_response_at ? c.sla.resolution_due_at : c.sla.first_response_due_at;
  return el('span', { class: 'badge due', title: 'Service-level target ' + when(due), text: 'due ' + relative(due) });
}

function renderList() {
  const list = clear($('conv-list'));
  $('list-title').textContent = state.team ? 'Team ' + (state.teams.get(state.team)?.name || '') : VIEWS[state.view].title;
  $('list-empty').hidden = state.list.length > 0;
  state.list.forEach((c, i) => {
    const selected = i === state.selected;
    const current = state.open && state.open.id === c.id;
    const item = el(
      'li',
      { class: 'conv-item' + (selected ? ' selected' : '') + (current ? ' current' : '') + unreadClass(c), dataset: { id: c.id } },
      bulkCheckbox(c),
      el(
        'a',
        {
          href: '?' + qs({ ...(state.team ? { team: state.team } : { view: state.view }), c: c.id }),
          'aria-current': current ? 'true' : null,
          onclick: (e) => {
            e.preventDefault();
            state.selected = i;
            openConversation(c.id);
          },
        },
        el('span', { class: 'conv-line' }, unreadMarker(c), el('strong', { class: 'conv-name', text: c.customer.name }), el('time', { datetime: c.last_message_at, text: relative(c.last_message_at) })),
        el('span', { class: 'conv-preview', text: c.preview }),
        el(
          'span',
          { class: 'conv-badges' },
          el('span', { class: 'badge status-' + c.status, text: label(c.status) }),
          priorityBadge(c.priority),
          c.handoff_reason ? el('span', { class: 'badge reason', text: label(c.handoff_reason) }) : null,
          slaBadge(c),
          isSnoozed(c) ? el('span', { class: 'badge snoozed', text: 'snoozed until ' + when(c.snoozed_until) }) : null,
          c.assignee_id ? el('span', { class: 'badge who', text: state.users.get(c.assignee_id)?.name || 'assigned' }) : null,
        ),
      ),
    );
    list.append(item);
  });
  const sel = list.children[state.selected];
  if (sel) sel.scrollIntoView({ block: 'nearest' });
  renderBulk();
}

async function loadCounts() {
  await Promise.all(
    COUNTED.map(async (view) => {
      const page = await api('GET', '/conversations?' + qs({ ...VIEWS[view].query(), per_page: 1 })).catch(() => null);
      const badge = document.querySelector(`[data-count="${view}"]`);
      if (badge && page) {
        badge.textContent = page.total ? String(page.total) : '';
        badge.setAttribute('aria-label', page.total + ' conversations');
      }
    }),
  );
  await Promise.all(
    [...state.teams.values()].map(async (team) => {
      const page = await api('GET', '/conversations?' + qs({ team: team.id, status: 'open', per_page: 1 })).catch(() => null);
      const badge = document.querySelector(`[data-team-count="${team.id}"]`);
      if (badge && page) badge.textContent = page.total ? String(page.total) : '';
    }),
  );
}

function renderViews() {
  for (const a of document.querySelectorAll('[data-view]')) {
    const current = !state.team && a.dataset.view === state.view;
    a.setAttribute('aria-current', current ? 'page' : 'false');
    a.onclick = (e) => {
      e.preventDefault();
      selectView(a.dataset.view, null);
    };
  }
  const teams = clear($('team-views'));
  for (const team of state.teams.values()) {
    teams.append(
      el(
        'li',
        {},
        el(
          'a',
          {
            href: '?team=' + team.id,
            'aria-current': state.team === team.id ? 'page' : 'false',
            onclick: (e) => {
              e.preventDefault();
              selectView(null, team.id);
            },
          },
          label(team.name) + ' ',
          el('span', { class: 'count', dataset: { teamCount: team.id } }),
        ),
      ),
    );
  }
}

function selectView(view, team) {
  state.view = view || state.view;
  state.team = team;
  state.selected = 0;
  renderViews();
  syncUrl();
  attempt(async () => {
    await loadList();
    await loadCounts();
  });
}

// --- one conversation -----------------------------------------------------------------------

async function openConversation(id) {
  const [detail, decisions] = await Promise.all([
    api('GET', '/conversations/' + id),
    api('GET', '/conversations/' + id + '/decisions').then((r) => r.decisions || []).catch(() => []),
  ]).catch((e) => {
    flash(e.message, 'error');
    return [null, []];
  });
  if (!detail) return;
  state.open = detail;
  state.decisions = decisions;
  state.messageIds = new Set(detail.messages.map((m) => m.id));
  viewing(detail);
  markRead(id);
  $('conversation').hidden = false;
  $('context').hidden = false;
  $('no-conversation').hidden = true;
  showPane('conversation');
  showConversation(detail);
  renderHeader();
  renderTimeline();
  renderContext(detail, decisions);
  renderInsight(detail, insightHooks);
  renderList();
  syncUrl();
  loadHistory(detail);
  loadSuggestions(detail);
  loadQuality(detail);
}

/** The soft-skill scores of the replies (an agent sees their own; supervisors everyone's). */
async function loadQuality(c) {
  const { replies = [] } = await api('GET', '/conversations/' + c.id + '/quality').catch(() => ({}));
  if (state.open?.id !== c.id) return;
  for (const r of replies) {
    const item = document.querySelector('#timeline li.msg[data-id="' + r.message_id + '"]');
    if (!item || item.querySelector('.msg-quality')) continue;
    item.append(qualityLine(r.skills));
  }
}

/** On a phone one pane shows at a time: the list, or the open conversation (app.css). */
function showPane(pane) {
  $('inbox').dataset.pane = pane;
  if (pane === 'list') document.querySelector('#conv-list .current a, #conv-list .selected a')?.focus({ preventScroll: false });
}

function renderHeader() {
  const c = state.open;
  $('conv-title').textContent = c.customer.name;
  const team = c.team_id ? state.teams.get(c.team_id)?.name : null;
  $('conv-meta').textContent = [
    c.customer.email + (c.customer_verified ? ' (verified)' : ' (not verified)'),
    label(c.status),
    team ? 'team ' + label(team) : null,
    c.handoff_reason ? 'handed over: ' + label(c.handoff_reason) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const assignee = clear($('assignee'));
  assignee.append(el('option', { value: '', text: 'Unassigned' }));
  for (const u of state.users.values()) {
    if (!u.active) continue;
    assignee.append(el('option', { value: u.id, text: u.name + (u.id === state.me.id ? ' (me)' : ''), selected: c.assignee_id === u.id }));
  }
  $('priority').value = c.priority;
  $('assign-me').disabled = c.assignee_id === state.me.id;
  $('assign-me').textContent = c.assignee_id === state.me.id ? 'Assigned to you' : 'Assign to me';
  $('resolve').textContent = c.status === 'resolved' ? 'Reopen' : 'Resolve';
  renderSnooze(c);
  const tags = clear($('tags'));
  for (const t of c.tags) {
    tags.append(el('li', { class: 'tag' }, t, el('button', { type: 'button', class: 'tag-x', 'aria-label': 'Remove tag ' + t, onclick: () => update({ remove_tags: [t] }), text: '×' })));
  }
}

function renderTimeline() {
  const timeline = clear($('timeline'));
  const evidence = evidenceIndex(state.decisions || []);
  for (const m of state.open.messages) timeline.append(withFlag(withEdits(messageItem(m, evidence, state.users), m), m));
  timeline.scrollTop = timeline.scrollHeight;
}

/** Adds a message of the open conversation to its timeline, once. */
function appendMessage(message) {
  if (state.messageIds.has(message.id)) return;
  state.messageIds.add(message.id);
  state.open.messages.push(message);
  $('timeline').append(withFlag(withEdits(messageItem(message, new Map(), state.users), message), message));
  $('timeline').scrollTop = $('timeline').scrollHeight;
}

async function loadHistory(c) {
  const box = clear($('customer'));
  box.append(el('p', {}, el('strong', { text: c.customer.name })), el('p', { class: 'muted', text: c.customer.email }), el('p', { class: 'muted small', text: 'Customer since ' + when(c.customer.created_at) }));
  const history = clear($('history'));
  const page = await api('GET', '/conversations?' + qs({ customer: c.customer.id, per_page: 10 })).catch(() => null);
  if (!page) return;
  const others = page.conversations.filter((x) => x.id !== c.id);
  box.append(el('p', { class: 'small', text: page.total + ' conversation' + (page.total === 1 ? '' : 's') + ' with us' }));
  for (const o of others) {
    history.append(el('li', {}, el('a', { href: '?c=' + o.id, onclick: (e) => { e.preventDefault(); openConversation(o.id); } }, relative(o.last_message_at) + ' · ' + label(o.status)), el('span', { class: 'muted small', text: ' ' + o.preview })));
  }
}

async function loadSuggestions(c) {
  const box = clear($('suggestions'));
  const s = await api('GET', '/conversations/' + c.id + '/suggestions').catch(() => null);
  // The canned replies filled in for this conversation ({{customer.first_name}} and the like).
  state.filled = { id: c.id, replies: (s && s.canned) || [] };
  if (!s) {
    box.append(el('li', { class: 'muted', text: 'No suggestions.' }));
    return;
  }
  if (!s.articles.length) box.append(el('li', { class: 'muted', text: 'No article matches this conversation.' }));
  for (const a of s.articles) {
    box.append(
      el(
        'li',
        {},
        el('a', { href: a.url, target: '_blank', rel: 'noopener', text: a.title }),
        el('p', { class: 'muted small', text: a.snippet }),
        el('button', { type: 'button', class: 'link', onclick: () => insert(a.title + ': ' + a.url), text: 'Insert link' }),
      ),
    );
  }
  for (const r of s.replies || []) {
    box.append(el('li', { class: 'suggested-reply' }, el('span', { text: 'Reply: ' + r.title + ' ' }), el('button', { type: 'button', class: 'link', 'aria-label': 'Insert the reply ' + r.title, onclick: () => insert(r.text), text: 'Insert' })));
  }
}

async function update(change) {
  if (!state.open) return;
  const updated = await attempt(() => api('PATCH', '/conversations/' + state.open.id, change));
  if (updated) {
    Object.assign(state.open, updated);
    renderHeader();
    renderContext(state.open, state.decisions || []);
    if (touchesRootCause(change)) await reloadOpen();
    loadList().catch(() => {});
  }
}

/**
 * The open conversation's detail again (its root cause and tags changed), re-rendered. The root
 * cause is suggested just after a handoff is recorded: `retries` looks again shortly when a
 * handed-over case has none yet.
 */
async function reloadOpen(retries = 0) {
  const id = state.open?.id;
  const fresh = id && (await api('GET', '/conversations/' + id).catch(() => null));
  if (!fresh || state.open?.id !== id) return;
  Object.assign(state.open, fresh);
  renderHeader();
  renderInsight(state.open, insightHooks);
  if (retries > 0 && fresh.handoff_reason && !fresh.root_cause?.suggested) setTimeout(() => reloadOpen(retries - 1), 700);
}
const insightHooks = { users: state.users, changed: () => reloadOpen() };

// --- live updates -----------------------------------------------------------------------------

let refreshTimer;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => attempt(async () => {
    await loadList();
    await loadCounts();
  }), 250);
}

function onLive(frame) {
  presenceFrame(frame);
  unreadFrame(frame);
  notifyFrame(frame);
  if (frame.type === 'message_created') {
    if (state.open && frame.conversation_id === state.open.id && !state.messageIds.has(frame.message.id)) {
      appendMessage(frame.message);
      if (frame.message.author === 'customer' || frame.message.author === 'bot') {
        // A new customer message brings new signals and decisions.
        api('GET', '/conversations/' + state.open.id + '/decisions')
          .then((r) => {
            state.decisions = r.decisions || [];
            renderTimeline();
            renderContext(state.open, state.decisions || []);
          })
          .catch(() => {});
      }
    }
    refreshSoon();
  } else if (frame.type === 'message_updated') {
    messageUpdated(frame);
  } else if (frame.type === 'conversation_updated') {
    if (state.open && frame.conversation.id === state.open.id) {
      const before = JSON.stringify([state.open.status, state.open.tags]);
      Object.assign(state.open, frame.conversation);
      renderHeader();
      renderContext(state.open, state.decisions || []);
      // Handed over (a root cause is suggested) or re-tagged (one confirmed): the panels follow.
      if (JSON.stringify([state.open.status, state.open.tags]) !== before) reloadOpen(3);
    }
    refreshSoon();
  } else if (frame.type === 'conversation_erased') {
    // The customer was erased (or retention ran): nothing of it may stay on screen.
    forgetConversation(frame.conversation_id);
    if (state.open && frame.conversation_id === state.open.id) {
      state.open = null;
      state.decisions = [];
      $('conversation').hidden = true;
      $('context').hidden = true;
      $('no-conversation').hidden = false;
      showPane('list');
      flash('This conversation was erased.', 'info');
    }
    refreshSoon();
  } else if (frame.type === 'resync') {
    refreshSoon();
    if (state.open) openConversation(state.open.id);
  }
}

// --- keyboard ---------------------------------------------------------------------------------

let pendingG = false;
function onKey(e) {
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
  if (e.key === 'Escape' && typing) {
    document.activeElement.blur();
    return;
  }
  // Enter and Space on a focused button or link press it.
  if (['BUTTON', 'A'].includes(document.activeElement?.tagName) && (e.key === 'Enter' || e.key === ' ')) return;
  if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
  if (pendingG) {
    pendingG = false;
    const go = { m: 'mine', u: 'unassigned', b: 'breached', o: 'open' }[e.key];
    if (go) {
      e.preventDefault();
      selectView(go, null);
    }
    return;
  }
  const actions = {
    j: () => move(1),
    k: () => move(-1),
    o: () => openSelected(),
    x: () => state.list[state.selected] && toggle(state.list[state.selected].id),
    Enter: () => openSelected(),
    r: () => focusComposer('reply'),
    n: () => focusComposer('note'),
    a: () => state.open && update({ assignee_id: state.me.id }),
    e: () => state.open && update({ status: state.open.status === 'resolved' ? 'queued' : 'resolved' }),
    t: () => state.open && $('tag-input').focus(),
    N: () => takeNext(),
    '/': () => $('search').focus(),
    '?': () => $('help').showModal(),
    g: () => (pendingG = true),
  };
  const action = actions[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
}

function move(delta) {
  if (!state.list.length) return;
  state.selected = Math.max(0, Math.min(state.list.length - 1, state.selected + delta));
  renderList();
}

function openSelected() {
  const c = state.list[state.selected];
  if (c) openConversation(c.id);
}

async function takeNext() {
  const taken = await attempt(() => api('POST', '/conversations/next'));
  if (taken && taken.id) {
    flash('You took the case of ' + taken.customer.name + '.', 'ok');
    selectView('mine', null);
    openConversation(taken.id);
  } else if (taken === null || (taken && !taken.id)) {
    flash('No case is waiting for you.', 'info');
  }
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  state.me = await staffShell();
  const [users, teams] = await Promise.all([api('GET', '/users').catch(() => ({ users: [] })), api('GET', '/teams').catch(() => ({ teams: [] }))]);
  for (const u of users.users || users) state.users.set(u.id, u);
  state.users.set(state.me.id, { ...state.me, ...(state.users.get(state.me.id) || {}) });
  for (const t of teams.teams || teams) state.teams.set(t.id, t);
  const canned = await api('GET', '/canned-replies').catch(() => null);
  state.canned = (canned && canned.canned_replies) || [];
  const cannedSelect = $('canned');
  for (const [i, c] of state.canned.entries()) cannedSelect.append(el('option', { value: String(i), text: c.title }));
  cannedSelect.addEventListener('change', () => {
    const c = state.canned[Number(cannedSelect.value)];
    const filled = state.open && state.filled.id === state.open.id ? state.filled.replies.find((r) => r.title === c?.title) : null;
    if (c) insert((filled || c).text);
    cannedSelect.value = '';
  });

  const params = new URLSearchParams(location.search);
  state.team = params.get('team');
  state.view = VIEWS[params.get('view')] ? params.get('view') : 'mine';
  state.q = params.get('q') || '';
  $('search').value = state.q;
  renderViews();

  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = $('search').value.trim();
    selectView(state.view, state.team);
  });
  $('take-next').addEventListener('click', takeNext);
  $('back-to-list').addEventListener('click', () => showPane('list'));
  $('assign-me').addEventListener('click', () => update({ assignee_id: state.me.id }));
  $('assignee').addEventListener('change', (e) => update({ assignee_id: e.target.value || null }));
  $('priority').addEventListener('change', (e) => update({ priority: e.target.value }));
  $('resolve').addEventListener('click', () => update({ status: state.open.status === 'resolved' ? 'queued' : 'resolved' }));
  $('tag-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const tag = $('tag-input').value.trim();
    if (tag) update({ add_tags: [tag] });
    $('tag-input').value = '';
  });
  setupSnooze(
    () => state.open,
    (updated) => {
      Object.assign(state.open, updated);
      renderHeader();
      refreshSoon();
    },
  );
  bulkAssignees(state.users, state.me);
  setupBulk(
    () => state.list,
    async () => {
      await loadList();
      await loadCounts();
    },
  );
  setupMessageEdits(state.me, () => state.open);
  setupComposer((id, message) => {
    if (state.open && state.open.id === id) appendMessage(message);
  });
  document.addEventListener('keydown', onKey);

  const socket = live('/live', onLive, (s) => {
    if (s === 'live') announce();
    $('live-state').textContent = s === 'live' ? 'Live' : 'Reconnecting…';
    $('live-state').className = 'live-state ' + s;
  });
  setupPresence(socket);
  setupUnread({ open: () => state.open?.id, render: renderList });
  setupNotifications({ me: state.me, open: () => state.open?.id, openCase: openConversation });
  await loadList();
  loadCounts();
  const c = params.get('c');
  if (c) openConversation(c);
  // Keeps "5 minutes ago" true, and brings back cases whose snooze has ended.
  setInterval(refreshSoon, 60000);
}

start().catch((e) => flash(e.message || String(e), 'error'));
