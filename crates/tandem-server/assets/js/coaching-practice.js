// Practice with a simulated customer (the coaching page): the scenarios, a session's turns with the
// customer's mood, the scorer's feedback per skill on each reply (evidence marked in the agent's
// own words), the result on finishing, and the list of past sessions with sharing.
import { api, attempt, clear, el, when } from './api.js';
import { LEVELS, SKILLS, marked, pct, skillLabel } from './coaching-profile.js';

const $ = (id) => document.getElementById(id);

const state = { session: null, scenario: null, done: false, finished: false, busy: false, onChange: () => {} };

const DIFFICULTY = { easy: 'Easy', medium: 'Medium', hard: 'Hard' };

const moodWords = (m) => (m < 0.2 ? 'calm' : m < 0.45 ? 'a little annoyed' : m < 0.7 ? 'upset' : 'furious');

export function renderScenarios(scenarios) {
  const list = clear($('scenarios'));
  for (const s of scenarios) {
    list.append(
      el(
        'li',
        { class: 'scenario card', dataset: { scenario: s.id } },
        el('div', { class: 'scenario-head' }, el('h3', { text: s.title }), el('span', { class: 'badge difficulty-' + s.difficulty, text: DIFFICULTY[s.difficulty] || s.difficulty })),
        s.situation ? el('p', { class: 'small', text: s.situation }) : '',
        el('p', { class: 'chips' }, ...(s.skills || []).map((k) => el('span', { class: 'chip', text: skillLabel(k) }))),
        el('button', { type: 'button', class: 'primary start', 'aria-label': 'Start ' + s.title, onclick: () => attempt(() => start(s)) }, 'Start'),
      ),
    );
  }
  if (!scenarios.length) list.append(el('li', { class: 'empty', text: 'No practice scenarios in this pack.' }));
}

export function customerTurn(text, mood) {
  return el(
    'li',
    { class: 'turn turn-customer' },
    el('p', { class: 'turn-who', text: 'Customer' + (typeof mood === 'number' ? ' · ' + moodWords(mood) : '') }),
    el('p', { class: 'turn-text', text }),
  );
}

/**
 * The scorer's feedback on one reply: each skill shown (level 1 or 2) with its reason and its
 * evidence marked in the reply; the skills not shown on one line.
 */
function feedback(text, skills, tip) {
  const level = (k) => (Number.isInteger(skills[k].level) ? skills[k].level : 0);
  const scored = SKILLS.filter((k) => skills && skills[k]);
  const rows = scored.filter((k) => level(k) > 0).map((k) => {
    const s = skills[k];
    const evidence = (s.evidence || []).filter((e) => e.end > e.start);
    return el(
      'li',
      { class: 'fb level-' + level(k), dataset: { skill: k, level: String(level(k)) } },
      el('span', { class: 'fb-skill', text: skillLabel(k) }),
      el('span', { class: 'badge fb-level', text: LEVELS[level(k)] || String(level(k)) }),
      s.reason ? el('span', { class: 'fb-reason small', text: s.reason }) : '',
      evidence.length ? el('p', { class: 'fb-evidence', 'aria-label': skillLabel(k) + ': the words that show it' }, ...marked(text, evidence)) : '',
    );
  });
  const missing = scored.filter((k) => level(k) === 0);
  return el(
    'div',
    { class: 'feedback' },
    el('p', { class: 'feedback-title small', text: 'Feedback on this reply' }),
    el('ul', { class: 'fb-list' }, ...rows),
    missing.length
      ? el('p', { class: 'fb-missing small' }, el('span', { class: 'badge fb-level', text: LEVELS[0] }), ' ', ...missing.map((k, i) => el('span', { class: 'fb level-0', dataset: { skill: k, level: '0' }, title: skills[k].reason || null, text: (i ? ', ' : '') + skillLabel(k) })))
      : '',
    tip ? el('p', { class: 'tip', text: 'Tip: ' + tip }) : '',
  );
}

export function agentTurn(text, skills, tip, who = 'You') {
  return el('li', { class: 'turn turn-agent' }, el('p', { class: 'turn-who', text: who }), el('p', { class: 'turn-text', text }), skills ? feedback(text, skills, tip) : '');
}

function setMood(mood) {
  const m = typeof mood === 'number' ? Math.max(0, Math.min(1, mood)) : 0;
  $('practice-mood').value = m;
  $('practice-mood-text').textContent = pct(m) + ' · ' + moodWords(m);
}

function controls() {
  const open = state.session && !state.finished;
  $('practice-reply').disabled = !open || state.done || state.busy;
  $('practice-send').disabled = !open || state.done || state.busy;
  $('practice-finish').disabled = !open || state.busy;
}

async function start(scenario) {
  const session = await api('POST', '/practice/sessions', { scenario: scenario.id });
  Object.assign(state, { session: session.id, scenario, done: Boolean(session.done), finished: false, busy: false });
  $('practice-title').textContent = scenario.title;
  $('practice-situation').textContent = [scenario.persona, scenario.situation].filter(Boolean).join(' · ');
  clear($('practice-turns')).append(customerTurn(session.customer.text, session.customer.mood));
  setMood(session.customer.mood);
  $('practice-tip').hidden = true;
  $('practice-result').hidden = true;
  $('practice-error').textContent = '';
  $('practice-reply').value = '';
  $('practice').hidden = false;
  controls();
  $('practice-reply').focus();
  state.onChange();
}

async function reply(e) {
  e.preventDefault();
  const text = $('practice-reply').value.trim();
  if (!text || !state.session || state.busy) return;
  state.busy = true;
  controls();
  $('practice-error').textContent = '';
  try {
    const answer = await api('POST', `/practice/sessions/${encodeURIComponent(state.session)}/replies`, { text });
    const fb = answer.feedback || {};
    $('practice-turns').append(agentTurn(text, fb.skills, fb.tip));
    if (answer.customer && answer.customer.text) $('practice-turns').append(customerTurn(answer.customer.text, answer.customer.mood));
    if (answer.customer) setMood(answer.customer.mood);
    $('practice-reply').value = '';
    state.done = Boolean(answer.done);
    if (state.done) {
      $('practice-tip').textContent = 'The customer has nothing more to say: finish to see your score.';
      $('practice-tip').hidden = false;
    }
  } catch (err) {
    $('practice-error').textContent = err.message || String(err);
  } finally {
    state.busy = false;
    controls();
  }
}

async function finish() {
  if (!state.session || state.busy) return;
  state.busy = true;
  controls();
  $('practice-error').textContent = '';
  try {
    const result = await api('POST', `/practice/sessions/${encodeURIComponent(state.session)}/finish`);
    state.finished = true;
    const box = clear($('practice-result'));
    box.className = 'result-card ' + (result.passed ? 'passed' : 'failed');
    box.append(
      el('p', { class: 'result-line' }, 'Score ', el('strong', { class: 'score', text: String(Math.round(result.score)) }), ' of 100 · ', el('strong', { class: 'verdict', text: result.passed ? 'Passed' : 'Not passed yet' })),
      el(
        'ul',
        { class: 'chips', 'aria-label': 'Your average per skill in this session' },
        ...SKILLS.filter((k) => result.skills && result.skills[k] && result.skills[k].count).map((k) => el('li', { class: 'chip', text: skillLabel(k) + ' ' + pct(result.skills[k].average) })),
      ),
    );
    box.hidden = false;
    state.onChange();
  } catch (err) {
    $('practice-error').textContent = err.message || String(err);
  } finally {
    state.busy = false;
    controls();
  }
}

/** Past sessions, with a Share toggle for the finished ones. */
export async function loadSessions() {
  const { sessions = [] } = await api('GET', '/practice/sessions?user=me');
  const body = clear($('sessions').querySelector('tbody'));
  for (const s of sessions) {
    const share = el('input', { type: 'checkbox', class: 'share', checked: Boolean(s.shared), 'aria-label': 'Share "' + (s.title || s.scenario) + '" with supervisors' });
    share.addEventListener('change', async () => {
      const wanted = share.checked;
      share.disabled = true;
      const done = await attempt(() => api('POST', `/practice/sessions/${encodeURIComponent(s.id)}/share`, { shared: wanted }), wanted ? 'Shared with supervisors.' : 'No longer shared.');
      if (!done) share.checked = !wanted;
      share.disabled = false;
    });
    body.append(
      el(
        'tr',
        { dataset: { session: s.id } },
        el('td', { text: s.title || s.scenario }),
        el('td', { text: s.created_at ? when(s.created_at) : '' }),
        el('td', { class: 'session-score', text: typeof s.score === 'number' ? String(Math.round(s.score)) : '–' }),
        el('td', { class: 'session-result', text: !s.finished ? 'Not finished' : s.passed ? 'Passed' : 'Not passed' }),
        el('td', {}, share),
      ),
    );
  }
  if (!sessions.length) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No practice yet: start a scenario above.' })));
}

export function setupPractice(onChange) {
  state.onChange = onChange;
  $('practice-form').addEventListener('submit', (e) => reply(e));
  $('practice-finish').addEventListener('click', () => finish());
  $('practice-close').addEventListener('click', () => {
    $('practice').hidden = true;
    state.session = null;
  });
  // Ctrl+Enter sends, as in the inbox's composer.
  $('practice-reply').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('practice-form').requestSubmit();
  });
}
