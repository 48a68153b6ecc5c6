// Insights: root causes sent to the people who can remove them (docs/root-causes.md). One table
// per owner: each cause with its cases, how many a person confirmed, its trend over the window,
// a spike flag in words (not colour alone) and links to the newest conversations behind it.
import { api, clear, el } from './api.js';
import { causeName, count, objects } from './causes.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

/** A small bar chart of the cases per day, with the same numbers in words for screen readers. */
function trend(c) {
  const days = objects(c.per_day);
  if (!days.length) return el('span', { class: 'muted', text: '—' });
  const values = days.map((d) => num(d.count));
  const width = 120;
  const height = 28;
  const max = Math.max(1, ...values);
  const step = width / values.length;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'cause-trend');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const weeks = objects(c.per_week).map((w) => num(w.count));
  const today = values[values.length - 1];
  svg.setAttribute(
    'aria-label',
    `${values.length} days: ${values.reduce((a, b) => a + b, 0)} cases, ${today} today` + (weeks.length ? '; by week ' + weeks.join(', ') : ''),
  );
  const base = document.createElementNS(SVG, 'line');
  for (const [k, v] of Object.entries({ x1: 0, x2: width, y1: height - 0.5, y2: height - 0.5 })) base.setAttribute(k, String(v));
  svg.append(base);
  values.forEach((v, i) => {
    if (!v) return;
    const bar = document.createElementNS(SVG, 'rect');
    const h = Math.max(2, (v / max) * (height - 2));
    bar.setAttribute('x', (i * step).toFixed(2));
    bar.setAttribute('y', (height - h).toFixed(2));
    bar.setAttribute('width', Math.max(step - 0.6, 0.6).toFixed(2));
    bar.setAttribute('height', h.toFixed(2));
    svg.append(bar);
  });
  return svg;
}

/** Links to the conversations behind a cause (newest first), opened in the inbox. */
function examples(c) {
  const ids = (Array.isArray(c.examples) ? c.examples : []).filter((id) => typeof id === 'string' && id);
  if (!ids.length) return el('span', { class: 'muted', text: 'None' });
  return el(
    'ul',
    { class: 'cause-examples' },
    ...ids.map((id, i) => el('li', {}, el('a', { href: '/app/inbox?c=' + encodeURIComponent(id), 'aria-label': 'Open case ' + (i + 1) + ' of ' + causeName(c.cause), text: 'Case ' + (i + 1) }))),
  );
}

function ownerTable(owner, causes) {
  const total = causes.reduce((a, c) => a + num(c.count), 0);
  const id = 'owner-' + owner.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return el(
    'section',
    { class: 'owner', 'aria-labelledby': id, dataset: { owner } },
    el('h3', { id, class: 'owner-name' }, owner, ' ', el('span', { class: 'muted small', text: total === 1 ? '1 case' : total + ' cases' })),
    el(
      'div',
      { class: 'table-box' },
      el(
        'table',
        { class: 'table causes' },
        el('caption', { class: 'visually-hidden', text: 'Root causes owned by ' + owner }),
        el('thead', {}, el('tr', {}, ...['Cause', 'Cases', 'Confirmed', 'Trend', 'Examples'].map((h) => el('th', { scope: 'col', text: h })))),
        el(
          'tbody',
          {},
          ...causes.map((c) =>
            el(
              'tr',
              { class: num(c.count) ? '' : 'quiet', dataset: { cause: String(c.cause) } },
              el('th', { scope: 'row' }, causeName(c.cause), c.spike === true ? [' ', el('span', { class: 'badge spike', title: 'Today at least 5 cases and 3 times the usual day', text: 'Spike' })] : null),
              el('td', { text: count(c.count) }),
              el('td', { text: count(c.confirmed) }),
              el('td', {}, trend(c)),
              el('td', {}, examples(c)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Loads GET /insights/root-causes for the window and draws the tables by owner. */
export async function loadCauses(days) {
  const box = $('cause-owners');
  if (!box) return;
  let report;
  try {
    report = await api('GET', '/insights/root-causes?days=' + encodeURIComponent(days));
  } catch (e) {
    clear(box).append(el('p', { class: 'muted', text: e.status === 404 ? 'Root causes are not available on this server.' : 'The root causes could not be loaded: ' + (e.message || e) }));
    return;
  }
  const byOwner = new Map();
  for (const c of objects(report && report.causes)) {
    const owner = typeof c.owner === 'string' && c.owner.trim() ? c.owner : 'Customer care';
    if (!byOwner.has(owner)) byOwner.set(owner, []);
    byOwner.get(owner).push(c);
  }
  // The owners with the most cases first: what needs attention is on top.
  const owners = [...byOwner].sort((a, b) => b[1].reduce((s, c) => s + num(c.count), 0) - a[1].reduce((s, c) => s + num(c.count), 0));
  clear(box);
  if (!owners.length) box.append(el('p', { class: 'muted', text: 'No root causes in this period.' }));
  for (const [owner, causes] of owners) box.append(ownerTable(owner, causes));
}
