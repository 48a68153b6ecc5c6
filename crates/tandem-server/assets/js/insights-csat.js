// Insights: customer satisfaction from the summary's `csat` (docs/root-causes.md): the average
// rating overall, for conversations the bot handled alone and for those people handled, with how
// many ratings each is from, and tables by intent, team and agent. An average with no ratings
// behind it is "—", never 0.
import { clear, el } from './api.js';
import { objects } from './causes.js';

const $ = (id) => document.getElementById(id);

const average = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '—');
const ratings = (n) => (typeof n === 'number' ? (n === 1 ? '1 rating' : n + ' ratings') : 'no ratings');

function kpi(name, figures, key) {
  const f = figures && typeof figures === 'object' ? figures : {};
  return el(
    'div',
    { class: 'kpi', dataset: { csat: key } },
    el('span', { class: 'muted', text: name }),
    el('strong', { text: average(f.average) + (typeof f.average === 'number' ? ' / 5' : '') }),
    el('span', { class: 'muted small', text: ratings(f.count) }),
  );
}

function table(id, groups) {
  const body = clear($(id).querySelector('tbody'));
  const rows = objects(groups);
  for (const g of rows) {
    body.append(el('tr', {}, el('th', { scope: 'row', text: String(g.name || g.id || '—') }), el('td', { text: average(g.average) }), el('td', { text: typeof g.count === 'number' ? String(g.count) : '—' })));
  }
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: 3, class: 'muted', text: 'No ratings.' })));
}

/** Draws the summary's `csat`; the section stays hidden when the server sends none. */
export function renderCsat(csat) {
  const section = $('csat-section');
  if (!section) return;
  section.hidden = !csat || typeof csat !== 'object';
  if (section.hidden) return;
  clear($('csat-kpis')).append(kpi('Overall', csat, 'overall'), kpi('Bot only', csat.bot, 'bot'), kpi('Handled by people', csat.human, 'human'));
  table('csat-intents', csat.by_intent);
  table('csat-teams', csat.by_team);
  table('csat-agents', csat.by_agent);
}
