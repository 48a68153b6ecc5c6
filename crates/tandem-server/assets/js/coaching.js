// The coaching page, every staff member's own: their soft skills from their scored replies, the
// coaching feed (best moments, one tip at a time), practice with a simulated customer
// (coaching-practice.js) and the learning paths towards a certification.
import { api, attempt, clear, el, flash } from './api.js';
import { staffShell } from './shell.js';
import { SKILLS, highlightItem, renderProfile, skillLabel, suggestionBody } from './coaching-profile.js';
import { loadSessions, renderScenarios, setupPractice } from './coaching-practice.js';

const $ = (id) => document.getElementById(id);

const feed = { suggestions: [], at: 0 };

function showSuggestion() {
  const box = clear($('suggestion'));
  const s = feed.suggestions[feed.at];
  $('suggestion-empty').hidden = Boolean(s);
  $('next-tip').hidden = feed.suggestions.length < 2;
  if (!s) return;
  box.dataset.skill = s.skill;
  box.append(...suggestionBody(s), el('p', { class: 'muted small', text: `Tip ${feed.at + 1} of ${feed.suggestions.length}` }));
}

async function loadProfile(me) {
  const profile = await api('GET', '/coaching/agents/' + encodeURIComponent(me.id));
  renderProfile($('my-profile'), profile, 'me');
  const highlights = clear($('highlights'));
  for (const h of profile.highlights || []) highlights.append(highlightItem(h));
  $('highlights-empty').hidden = (profile.highlights || []).length > 0;
  feed.suggestions = profile.suggestions || [];
  feed.at = Math.min(feed.at, Math.max(0, feed.suggestions.length - 1));
  showSuggestion();
}

async function loadPaths() {
  const { paths = [] } = await api('GET', '/practice/paths');
  const list = clear($('paths'));
  const order = (p) => SKILLS.indexOf(p.skill);
  for (const p of [...paths].sort((a, b) => order(a) - order(b))) {
    const passed = (p.scenarios || []).filter((s) => s.passed).length;
    const status = p.certified
      ? el('span', { class: 'badge certified', text: 'Certified' })
      : p.eligible
        ? el('span', { class: 'badge eligible', text: 'Eligible for certification' })
        : (p.scenarios || []).length
          ? el('span', { class: 'badge', text: `${passed} of ${p.scenarios.length} passed` })
          : el('span', { class: 'badge', text: 'No scenario yet' });
    list.append(
      el(
        'li',
        { class: 'path card', dataset: { skill: p.skill } },
        el('div', { class: 'path-head' }, el('h3', { text: skillLabel(p.skill) }), status),
        el(
          'ul',
          { class: 'path-scenarios', 'aria-label': skillLabel(p.skill) + ' scenarios' },
          ...(p.scenarios || []).map((s) =>
            el('li', { class: s.passed ? 'passed' : 'open', dataset: { scenario: s.id } }, el('span', { class: 'mark', 'aria-hidden': 'true', text: s.passed ? '✓' : '○' }), ' ', s.title, ' ', el('span', { class: 'muted small', text: '(' + s.difficulty + (s.passed ? ', passed' : '') + ')' })),
          ),
        ),
      ),
    );
  }
  if (!paths.length) list.append(el('li', { class: 'empty', text: 'No learning paths in this pack.' }));
}

async function start() {
  const me = await staffShell();
  $('next-tip').addEventListener('click', () => {
    if (!feed.suggestions.length) return;
    feed.at = (feed.at + 1) % feed.suggestions.length;
    showSuggestion();
  });
  // After a finished session the list and the paths change.
  setupPractice(() => attempt(() => Promise.all([loadSessions(), loadPaths()])));
  const { scenarios = [] } = await api('GET', '/practice/scenarios');
  renderScenarios(scenarios);
  await Promise.all([attempt(() => loadProfile(me)), attempt(loadSessions), attempt(loadPaths)]);
}

start().catch((e) => flash(e.message || String(e), 'error'));
