// The review queue of the trainers' page: the bot's doubtful decisions (not understood, unsure,
// rated unhelpful, the customer came back unhappy, flagged by staff), each with the customer's
// words (redacted by the server), the bot's guess and a way to the conversation. A trainer
// relabels one to the right intent (it becomes a training example) or dismisses it; from the
// keyboard (j/k, a number, Enter, d, x) or for several selected at once.
import { api, attempt, clear, el, flash, label, relative, when } from './api.js';
import { pct } from './training-models.js';

const $ = (id) => document.getElementById(id);

const REASONS = {
  out_of_scope: 'Not understood',
  low_confidence: 'Low confidence',
  negative_feedback: 'Rated unhelpful',
  false_automation: 'Came back unhappy',
  flagged: 'Flagged by staff',
};

const state = { staffName: (who) => who, intents: [], quick: [], items: [], selected: 0, checked: new Set(), active: false, busy: false };

// The intents on the number keys: those this trainer relabelled to last (remembered on this
// device), then the bot's most frequent guesses in the queue, then the pack's order.
const RECENT = 'tandem.training.recent';

function recent() {
  try {
    const names = JSON.parse(localStorage.getItem(RECENT) || '[]');
    return Array.isArray(names) ? names : [];
  } catch {
    return [];
  }
}

function used(intent) {
  localStorage.setItem(RECENT, JSON.stringify([intent, ...recent().filter((n) => n !== intent)].slice(0, 9)));
}

function quickIntents() {
  const names = state.intents.map((i) => i.name);
  const guesses = new Map();
  for (const r of state.items) if (r.intent) guesses.set(r.intent, (guesses.get(r.intent) || 0) + 1);
  const byGuess = [...guesses.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  return [...new Set([...recent(), ...byGuess, ...names])].filter((n) => names.includes(n)).slice(0, 9);
}

function renderQuick() {
  const quick = clear($('quick-intents'));
  state.quick.forEach((name, n) => quick.append(el('li', { dataset: { intent: name } }, el('kbd', { text: String(n + 1) }), ' ' + intentLabel(name))));
}

const intentLabel = (name) => state.intents.find((i) => i.name === name)?.label || label(name);
const short = (text) => ((text || '').length > 60 ? text.slice(0, 57) + '…' : text || '');

function query() {
  const params = new URLSearchParams({ status: $('f-status').value, limit: '200' });
  if ($('f-reason').value) params.set('reason', $('f-reason').value);
  if ($('f-intent').value) params.set('intent', $('f-intent').value);
  // Days (YYYY-MM-DD, both inclusive).
  if ($('f-since').value) params.set('since', $('f-since').value);
  if ($('f-until').value) params.set('until', $('f-until').value);
  return params.toString();
}

/** Loads the queue as the filters say. */
async function load() {
  const answer = await api('GET', '/reviews?' + query());
  const keep = state.items[state.selected]?.id;
  state.items = answer.reviews || [];
  const at = state.items.findIndex((r) => r.id === keep);
  state.selected = at >= 0 ? at : Math.min(state.selected, Math.max(0, state.items.length - 1));
  for (const id of [...state.checked]) if (!state.items.some((r) => r.id === id)) state.checked.delete(id);
  state.quick = quickIntents();
  renderQuick();
  render();
}

function picker(r) {
  return el(
    'select',
    { class: 'relabel-pick', 'aria-label': 'Intent for "' + short(r.text) + '"' },
    el('option', { value: '', text: 'Relabel to…' }),
    ...state.intents.map((x) => {
      const key = state.quick.indexOf(x.name);
      return el('option', { value: x.name, selected: x.name === r.intent, text: (key >= 0 ? key + 1 + ' · ' : '') + x.label });
    }),
  );
}

function guess(r) {
  if (r.intent) return ['Bot guessed ', el('strong', { text: intentLabel(r.intent) }), typeof r.confidence === 'number' ? ' (' + pct(r.confidence) + ')' : ''];
  return ['Bot: no intent', typeof r.confidence === 'number' && r.confidence > 0 ? ' (best ' + pct(r.confidence) + ')' : ''];
}

function outcome(r) {
  if (r.status === 'resolved') {
    return el(
      'p',
      { class: 'review-outcome' },
      'Relabelled as ',
      el('strong', { text: intentLabel(r.label) }),
      r.resolved_by ? ' by ' + state.staffName(r.resolved_by) : '',
      r.resolved_at ? ' · ' + relative(r.resolved_at) : '',
      // Every fifth relabel of an intent checks models instead of training them.
      r.held_out ? el('span', { class: 'muted', text: ' · kept aside to check new models (not trained on)' }) : '',
    );
  }
  if (r.status === 'dismissed') return el('p', { class: 'review-outcome' }, 'Dismissed', r.resolved_by ? ' by ' + state.staffName(r.resolved_by) : '', r.resolved_at ? ' · ' + relative(r.resolved_at) : '');
  return null;
}

function item(r, i) {
  const open = r.status === 'open';
  const pick = open ? picker(r) : null;
  const check = open ? el('input', { type: 'checkbox', class: 'review-check', checked: state.checked.has(r.id), 'aria-label': 'Select "' + short(r.text) + '"' }) : null;
  if (check) check.addEventListener('change', () => toggle(r.id, check.checked));
  const flag = r.flag;
  return el(
    'li',
    { class: 'review-item card' + (i === state.selected ? ' selected' : ''), dataset: { id: r.id, reason: r.reason }, onclick: (e) => { if (!e.target.closest('button, select, input, a')) select(i); } },
    check,
    el(
      'div',
      { class: 'review-body' },
      el('blockquote', { class: 'review-text', text: r.text }),
      el(
        'p',
        { class: 'review-meta small' },
        el('span', { class: 'badge reason reason-' + r.reason, text: REASONS[r.reason] || label(r.reason) }),
        ' ',
        ...guess(r),
        ' · ',
        el('time', { datetime: r.created_at, title: when(r.created_at), text: relative(r.created_at) }),
        ' · ',
        el('a', { href: '/app/inbox?c=' + encodeURIComponent(r.conversation_id), text: 'Open the conversation' }),
      ),
      flag ? el('p', { class: 'review-flag small' }, 'Flagged as ', el('strong', { text: label(flag.reason) }), flag.by ? ' by ' + state.staffName(flag.by) : '', flag.comment ? ': “' + flag.comment + '”' : '') : null,
      outcome(r),
      open
        ? el(
            'div',
            { class: 'review-actions' },
            pick,
            el('button', { type: 'button', class: 'primary relabel', text: 'Relabel', onclick: () => relabelOne(r, pick) }),
            el('button', { type: 'button', class: 'secondary dismiss', text: 'Dismiss', onclick: () => dismiss([r.id]) }),
          )
        : null,
    ),
  );
}

function render() {
  const list = clear($('review-list'));
  state.items.forEach((r, i) => list.append(item(r, i)));
  $('review-empty').hidden = state.items.length > 0;
  $('review-more').hidden = state.items.length < 200;
  $('review-empty').textContent = $('f-status').value === 'open' ? 'Nothing to review here. The bot had no doubts worth a look.' : 'Nothing here.';
  $('queue-count').textContent = $('f-status').value === 'open' && state.items.length ? String(state.items.length) : '';
  renderBulk();
}

function renderBulk() {
  const n = state.checked.size;
  $('review-bulk').hidden = n === 0;
  $('review-bulk-count').textContent = n === 1 ? '1 selected' : n + ' selected';
}

function select(i, scroll = true) {
  if (!state.items.length) return;
  state.selected = Math.max(0, Math.min(state.items.length - 1, i));
  const items = $('review-list').children;
  for (const [n, li] of [...items].entries()) li.classList.toggle('selected', n === state.selected);
  if (scroll) items[state.selected]?.scrollIntoView({ block: 'nearest' });
}

function toggle(id, on = !state.checked.has(id)) {
  if (on) state.checked.add(id);
  else state.checked.delete(id);
  const box = $('review-list').querySelector(`[data-id="${CSS.escape(id)}"] .review-check`);
  if (box) box.checked = on;
  renderBulk();
}

/** Takes the items out of the list of open ones, keeping the selection where it was. */
function settled(ids) {
  state.items = state.items.filter((r) => !ids.includes(r.id));
  for (const id of ids) state.checked.delete(id);
  state.selected = Math.min(state.selected, Math.max(0, state.items.length - 1));
  render();
}

async function resolve(ids, body, said) {
  if (state.busy || !ids.length) return;
  state.busy = true;
  const done = await attempt(() =>
    ids.length === 1 ? api('POST', '/reviews/' + encodeURIComponent(ids[0]) + '/resolve', body) : api('POST', '/reviews/resolve', { ids, ...body }),
  );
  state.busy = false;
  if (!done) return;
  const closed = done.reviews || (done.review ? [done.review] : []);
  flash(said(closed.filter((r) => r.held_out).length), 'ok');
  if (body.intent) {
    // The intent used last is on key 1 from now on (the legend says so), for the next similar message.
    used(body.intent);
    state.quick = quickIntents();
    renderQuick();
  }
  settled(ids);
}

function relabel(ids, intent) {
  const n = ids.length === 1 ? 'Relabelled' : ids.length + ' messages relabelled';
  return resolve(ids, { intent }, (heldOut) => {
    // Every fifth relabel of an intent is kept aside to check new models instead of training them.
    const aside = heldOut === 0 ? '' : ids.length === 1 ? ' (kept aside to check new models)' : ' (' + heldOut + ' kept aside to check new models)';
    return n + ' as ' + intentLabel(intent) + aside + '. Train a candidate to use it.';
  });
}

function dismiss(ids) {
  return resolve(ids, { dismiss: true }, () => (ids.length === 1 ? 'Dismissed.' : ids.length + ' messages dismissed.'));
}

function relabelOne(r, pick) {
  if (!pick.value) {
    flash('Pick an intent first (or press its number).', 'info');
    pick.focus();
    return;
  }
  relabel([r.id], pick.value);
}

// --- keyboard ---------------------------------------------------------------------------------------

function onKey(e) {
  if (!state.active || e.metaKey || e.ctrlKey || e.altKey || document.querySelector('dialog[open]')) return;
  const focused = document.activeElement;
  const typing = ['TEXTAREA', 'SELECT'].includes(focused?.tagName) || (focused?.tagName === 'INPUT' && focused.type !== 'checkbox');
  // Enter on an item's intent picker relabels the item to the intent picked.
  const picking = focused?.classList.contains('relabel-pick') && e.key === 'Enter';
  if (picking) {
    const at = [...$('review-list').children].indexOf(focused.closest('.review-item'));
    const r = state.items[at];
    if (r) {
      e.preventDefault();
      select(at, false);
      relabelOne(r, focused);
    }
    return;
  }
  if (typing) {
    if (e.key === 'Escape') focused.blur();
    return;
  }
  // Enter and Space on a focused button or link press it.
  if (['BUTTON', 'A'].includes(focused?.tagName) && (e.key === 'Enter' || e.key === ' ')) return;
  const r = state.items[state.selected];
  const open = r && r.status === 'open';
  const li = $('review-list').children[state.selected];
  let action = null;
  if (e.key === 'j') action = () => select(state.selected + 1);
  else if (e.key === 'k') action = () => select(state.selected - 1);
  else if (/^[1-9]$/.test(e.key) && open) {
    const intent = state.quick[Number(e.key) - 1];
    if (intent) action = () => relabel([r.id], intent);
  } else if (e.key === 'Enter' && open) action = () => relabelOne(r, li.querySelector('.relabel-pick'));
  else if (e.key === 'd' && open) action = () => dismiss([r.id]);
  else if (e.key === 'x' && open) action = () => toggle(r.id);
  if (action) {
    e.preventDefault();
    action();
  }
}

/** Wires the queue. */
export function setupQueue({ intents, staffName }) {
  state.intents = intents;
  state.staffName = staffName;
  const filter = $('f-intent');
  for (const x of intents) filter.append(el('option', { value: x.name, text: x.label }));
  const bulk = $('bulk-intent');
  bulk.append(el('option', { value: '', text: 'Relabel to…' }), ...intents.map((x) => el('option', { value: x.name, text: x.label })));
  $('review-filters').addEventListener('change', () => {
    state.checked.clear();
    attempt(load);
  });
  $('review-filters').addEventListener('submit', (e) => e.preventDefault());
  $('review-refresh').addEventListener('click', () => attempt(load));
  $('bulk-relabel').addEventListener('click', () => {
    if (!bulk.value) {
      flash('Pick the intent to relabel the selected messages to.', 'info');
      bulk.focus();
      return;
    }
    relabel([...state.checked], bulk.value);
  });
  $('bulk-dismiss').addEventListener('click', () => dismiss([...state.checked]));
  $('bulk-clear').addEventListener('click', () => {
    state.checked.clear();
    render();
  });
  document.addEventListener('keydown', onKey);
  return {
    load,
    active: (on) => (state.active = on),
  };
}
