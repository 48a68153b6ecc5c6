// The model registry of the trainers' page: every trained model with its scores, training a
// candidate and comparing it with the active model side by side (the intents it recognises less
// often highlighted), replaying past messages with it, promoting it through the gate (the gate's
// reasons when it refuses), forcing it with a reason (admins), rolling back.
import { api, attempt, clear, el, flash, label, relative, when } from './api.js';
import { can } from './shell.js';

const $ = (id) => document.getElementById(id);

/** "42.5%" for a share in [0, 1]. */
export const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? (Math.round(x * 1000) / 10).toFixed(1) + '%' : '—');

/** "+1.5 points" / "−2.0 points" between two shares. */
function change(before, after) {
  if (typeof before !== 'number' || typeof after !== 'number') return { text: '—', cls: '' };
  const points = Math.round((after - before) * 1000) / 10;
  if (points === 0) return { text: 'same', cls: 'same' };
  return { text: (points > 0 ? '+' : '−') + Math.abs(points).toFixed(1) + ' points', cls: points > 0 ? 'better' : 'worse' };
}

const state = { me: null, models: [], forcing: null, staffName: (who) => who };

// Model ids are time-ordered (UUIDv7): models trained together share their first digits, not their last.
const shortId = (id) => String(id).replace(/-/g, '').slice(-8);
const who = (person, at) => [state.staffName(person) || '—', at ? el('br') : null, at ? el('time', { class: 'muted small', datetime: at, title: when(at), text: relative(at) }) : null];

async function load() {
  const answer = await api('GET', '/models');
  state.models = answer.models || [];
  render();
}

function actions(m) {
  const out = [];
  const open = m.status === 'candidate' || m.status === 'refused';
  if (open) out.push(el('button', { type: 'button', class: 'secondary replay', text: 'Replay', 'aria-label': 'Replay model ' + shortId(m.id), onclick: () => replay(m.id) }));
  if (m.status === 'candidate') out.push(el('button', { type: 'button', class: 'primary promote', text: 'Promote', 'aria-label': 'Promote model ' + shortId(m.id), onclick: () => promote(m.id) }));
  if (open && can(state.me, 'force_models')) out.push(el('button', { type: 'button', class: 'danger force', text: 'Force…', 'aria-label': 'Force the promotion of model ' + shortId(m.id), onclick: () => askForce(m.id) }));
  return out.length ? el('div', { class: 'cell-buttons' }, ...out) : '—';
}

function render() {
  const body = clear($('models').querySelector('tbody'));
  for (const m of state.models) {
    // Without a person: made active by an import or a content edit.
    const promoted = m.promoted_by || m.promoted_at ? [...who(m.promoted_by || 'automatically', m.promoted_at), m.forced ? el('p', { class: 'forced small', text: 'Forced: ' + (m.force_reason || 'no reason given') }) : null] : ['—'];
    body.append(
      el(
        'tr',
        { class: 'model-row model-' + m.status, dataset: { model: m.id, status: m.status } },
        el('td', {}, el('code', { title: m.id, text: shortId(m.id) })),
        el('td', {}, el('span', { class: 'badge model-status status-' + m.status, text: label(m.status) }), m.forced ? el('span', { class: 'badge forced', text: 'forced' }) : null),
        el('td', { text: String(m.examples) }),
        el('td', { text: pct(m.metrics && m.metrics.accuracy) }),
        el('td', { text: pct(m.metrics && m.metrics.macro_f1) }),
        el('td', {}, ...(m.trained_by ? who(m.trained_by, m.created_at) : ['the pack', el('br'), el('time', { class: 'muted small', datetime: m.created_at, title: when(m.created_at), text: relative(m.created_at) })])),
        el('td', {}, ...promoted),
        el('td', {}, actions(m)),
      ),
    );
  }
  if (!state.models.length) body.append(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'No model yet: install a content pack.' })));
}

// --- training and the comparison ---------------------------------------------------------------------

async function train() {
  const button = $('train');
  button.disabled = true;
  button.textContent = 'Training…';
  const trained = await attempt(() => api('POST', '/models', {}), 'A candidate was trained. The bot keeps its model until you promote one.');
  button.disabled = false;
  button.textContent = 'Train a candidate';
  if (!trained) return;
  $('promote-refused').hidden = true;
  $('replay').hidden = true;
  showComparison(trained.model, trained.comparison);
  await load();
}

function scoreRow(name, active, candidate) {
  const c = change(active, candidate);
  return el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { text: pct(active) }), el('td', { text: pct(candidate) }), el('td', { class: 'delta ' + c.cls, text: c.text }));
}

function showComparison(model, cmp) {
  const box = clear($('comparison'));
  const regressions = cmp.regressions || [];
  const reasons = cmp.reasons || [];
  box.append(
    el('h2', { id: 'h-comparison' }, 'Candidate ', el('code', { text: shortId(model.id) }), ' against the active model'),
    el('p', { class: 'muted small', text: 'Scores on the regression set (the pack\u2019s evaluation messages), from ' + model.examples + ' training examples.' }),
    el(
      'div',
      { class: 'table-box' },
      el(
        'table',
        { class: 'table compare', id: 'compare-scores' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Score' }), el('th', { scope: 'col', text: 'Active model' }), el('th', { scope: 'col', text: 'Candidate' }), el('th', { scope: 'col', text: 'Change' }))),
        el('tbody', {}, scoreRow('Accuracy', cmp.active?.accuracy, cmp.candidate?.accuracy), scoreRow('Macro F1', cmp.active?.macro_f1, cmp.candidate?.macro_f1)),
      ),
    ),
  );
  if (regressions.length) {
    box.append(
      el('h3', { text: 'Intents recognised less often' }),
      el(
        'div',
        { class: 'table-box' },
        el(
          'table',
          { class: 'table regressions', id: 'regressions' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Intent' }), el('th', { scope: 'col', text: 'Recall before' }), el('th', { scope: 'col', text: 'After' }), el('th', { scope: 'col', text: 'Change' }))),
          el('tbody', {}, ...regressions.map((r) => el('tr', { class: 'regression', dataset: { intent: r.intent } }, el('th', { scope: 'row', text: label(r.intent) }), el('td', { text: pct(r.before) }), el('td', { text: pct(r.after) }), el('td', { class: 'delta worse', text: change(r.before, r.after).text })))),
        ),
      ),
    );
  } else {
    box.append(el('p', { class: 'verdict-note', text: 'No intent is recognised less often.' }));
  }
  box.append(
    reasons.length
      ? el('div', { class: 'verdict refused-verdict' }, el('p', { text: 'The promotion gate would refuse it:' }), el('ul', {}, ...reasons.map((r) => el('li', { text: r }))))
      : el('p', { class: 'verdict ok-verdict', text: 'Not worse than the active model: it can be promoted.' }),
    el(
      'div',
      { class: 'row-buttons' },
      el('button', { type: 'button', class: 'primary', id: 'promote-candidate', text: 'Promote this candidate', onclick: () => promote(model.id) }),
      el('button', { type: 'button', class: 'secondary', id: 'replay-candidate', text: 'Replay past messages', onclick: () => replay(model.id) }),
      reasons.length > 0 && can(state.me, 'force_models') ? el('button', { type: 'button', class: 'danger', text: 'Force…', onclick: () => askForce(model.id) }) : null,
    ),
  );
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

// --- promotion ---------------------------------------------------------------------------------------------

async function promote(id, body = {}) {
  let promoted;
  try {
    promoted = await api('POST', '/models/' + encodeURIComponent(id) + '/promote', body);
  } catch (e) {
    if (e.code === 'promotion_refused') showRefusal(id, e);
    else if (e.status !== 401) flash(e.message || String(e), 'error');
    await load().catch(() => {});
    return false;
  }
  flash(body.force ? 'Promoted by force: the bot uses model ' + shortId(promoted.model.id) + ' now.' : 'Promoted: the bot uses model ' + shortId(promoted.model.id) + ' now.', 'ok');
  $('comparison').hidden = true;
  $('promote-refused').hidden = true;
  $('replay').hidden = true;
  await load();
  return true;
}

function showRefusal(id, e) {
  const reasons = (e.details && Array.isArray(e.details.reasons) && e.details.reasons) || [];
  const box = clear($('promote-refused'));
  const parts = [
    el('h2', {}, 'Model ', el('code', { text: shortId(id) }), ' was not promoted'),
    el('p', { text: e.message }),
    reasons.length ? el('ul', { class: 'refusal-reasons' }, ...reasons.map((r) => el('li', { text: r }))) : null,
    el('p', { class: 'muted small', text: 'The bot keeps its model. Relabel more messages for the intents named and train again.' }),
    can(state.me, 'force_models') ? el('div', {}, el('button', { type: 'button', class: 'danger', text: 'Force with a reason…', onclick: () => askForce(id) })) : null,
  ];
  box.append(...parts.filter(Boolean));
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

function askForce(id) {
  state.forcing = id;
  $('force-what').textContent = 'Model ' + shortId(id) + ' becomes the bot\u2019s model although the gate refuses it.';
  $('force-reason').value = '';
  $('force-dialog').showModal();
  $('force-reason').focus();
}

// --- replay ---------------------------------------------------------------------------------------------

const decision = (d) => (d ? label(d.kind) + (d.intent ? ' · ' + label(d.intent) : '') : '—');

async function replay(id) {
  const answer = await attempt(() => api('GET', '/models/' + encodeURIComponent(id) + '/replay?limit=200'));
  if (!answer) return;
  const changed = answer.changed || [];
  const box = clear($('replay'));
  box.append(
    el('h2', { id: 'h-replay' }, 'Replay of candidate ', el('code', { text: shortId(id) })),
    el('p', { text: 'Of the latest ' + answer.total + ' customer messages, ' + (changed.length === 1 ? '1 would' : changed.length + ' would') + ' be decided differently.' }),
  );
  if (changed.length) {
    box.append(
      el(
        'div',
        { class: 'table-box' },
        el(
          'table',
          { class: 'table replay-table' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Message' }), el('th', { scope: 'col', text: 'Now' }), el('th', { scope: 'col', text: 'With the candidate' }))),
          el(
            'tbody',
            {},
            ...changed.map((c) =>
              el(
                'tr',
                { dataset: { message: c.message_id } },
                el('td', {}, c.conversation_id ? el('a', { href: '/app/inbox?c=' + encodeURIComponent(c.conversation_id), text: c.text }) : c.text),
                el('td', { class: 'before', text: decision(c.active) }),
                el('td', { class: 'after' }, el('span', { 'aria-hidden': 'true', text: '→ ' }), decision(c.candidate)),
              ),
            ),
          ),
        ),
      ),
    );
  }
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

// --- rollback ---------------------------------------------------------------------------------------------

async function rollback() {
  $('rollback-confirm').hidden = true;
  const model = await attempt(() => api('POST', '/models/rollback', {}));
  if (!model) return;
  flash('Rolled back: the bot uses model ' + shortId(model.model.id) + ' again.', 'ok');
  $('comparison').hidden = true;
  $('promote-refused').hidden = true;
  await load();
}

/** Wires the models tab; `replay`: whether this server can replay a candidate. */
export function setupModels({ me, staffName }) {
  state.me = me;
  state.staffName = staffName;
  $('train').addEventListener('click', train);
  $('rollback').addEventListener('click', () => {
    $('rollback-confirm').hidden = false;
    $('rollback-no').focus();
  });
  $('rollback-no').addEventListener('click', () => ($('rollback-confirm').hidden = true));
  $('rollback-yes').addEventListener('click', rollback);
  $('force-cancel').addEventListener('click', () => $('force-dialog').close());
  $('force-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = $('force-reason').value.trim();
    if (!reason) {
      $('force-reason').focus();
      return;
    }
    $('force-dialog').close();
    await promote(state.forcing, { force: true, reason });
  });
  return { load };
}
