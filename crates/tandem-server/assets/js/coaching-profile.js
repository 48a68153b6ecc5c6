// What the coaching and team pages share: the nine soft skills, a staff member's skill profile
// (average as a meter, count, a small weekly trend line per skill), highlights and a reply's text
// with the scorer's evidence marked.
import { clear, el } from './api.js';

export const SKILLS = ['empathy', 'understanding', 'exploration', 'de_escalation', 'clarity', 'politeness', 'solution', 'greeting', 'closing'];

const NAMES = { de_escalation: 'De-escalation' };
export const skillLabel = (s) => NAMES[s] || (s || '').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 100) + '%' : '–');

/** A colour band for an average: low (< 40%), mid (< 70%), high. */
export const band = (x) => (typeof x !== 'number' ? 'none' : x < 0.4 ? 'low' : x < 0.7 ? 'mid' : 'high');

/** The scorer's levels: 0 not shown, 1 shown, 2 shown clearly. */
export const LEVELS = ['Not shown', 'Shown', 'Shown clearly'];

/** The link that opens a conversation in the inbox. */
export const conversationHref = (id) => '/app/inbox?c=' + encodeURIComponent(id);

const NS = 'http://www.w3.org/2000/svg';

/** A small line of a skill's weekly averages (0–1), with its values as the accessible name. */
export function trendLine(skill, trend) {
  const points = (trend || []).map((w) => ({ week: w.week, value: w.skills ? w.skills[skill] : undefined })).filter((p) => typeof p.value === 'number');
  const svg = document.createElementNS(NS, 'svg');
  const width = 120;
  const height = 28;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'trend');
  svg.setAttribute('role', 'img');
  const title = document.createElementNS(NS, 'title');
  title.textContent = points.length
    ? skillLabel(skill) + ' per week: ' + points.map((p) => p.week + ' ' + pct(p.value)).join(', ')
    : skillLabel(skill) + ': no weekly figures yet';
  svg.append(title);
  const base = document.createElementNS(NS, 'line');
  for (const [k, v] of Object.entries({ x1: 0, x2: width, y1: height - 2, y2: height - 2, class: 'trend-base' })) base.setAttribute(k, String(v));
  svg.append(base);
  if (!points.length) return svg;
  const x = (i) => (points.length === 1 ? width / 2 : 3 + (i * (width - 6)) / (points.length - 1));
  const y = (v) => height - 2 - Math.max(0, Math.min(1, v)) * (height - 5);
  if (points.length > 1) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', points.map((p, i) => (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(p.value).toFixed(1)).join(' '));
    path.setAttribute('class', 'trend-line');
    svg.append(path);
  }
  const last = points.length - 1;
  const dot = document.createElementNS(NS, 'circle');
  for (const [k, v] of Object.entries({ cx: x(last).toFixed(1), cy: y(points[last].value).toFixed(1), r: 2.5, class: 'trend-dot' })) dot.setAttribute(k, String(v));
  svg.append(dot);
  return svg;
}

/** A 0–1 meter with its label's id. */
export function skillMeter(value, labelled) {
  return el('meter', { min: 0, max: 1, low: 0.4, high: 0.7, optimum: 1, value: typeof value === 'number' ? value : 0, 'aria-labelledby': labelled });
}

/**
 * Renders GET /coaching/agents/{id} into `box`: a row per skill (name, average as a meter and a
 * percentage, the number of replies it comes from, the weekly trend).
 */
export function renderProfile(box, profile, prefix) {
  clear(box);
  const skills = profile.skills || {};
  box.append(
    el('p', { class: 'profile-summary' }, el('strong', { text: profile.name || '' }), ' · ', String(profile.replies ?? 0), profile.replies === 1 ? ' reply scored' : ' replies scored'),
  );
  const list = el('ul', { class: 'skill-rows', 'aria-label': 'Skills of ' + (profile.name || 'the staff member') });
  for (const skill of SKILLS) {
    const s = skills[skill] || { average: null, count: 0 };
    const id = `${prefix}-skill-${skill}`;
    list.append(
      el(
        'li',
        { class: 'skill-row band-' + band(s.count ? s.average : null), dataset: { skill } },
        el('span', { class: 'skill-name', id, text: skillLabel(skill) }),
        skillMeter(s.count ? s.average : 0, id),
        el('span', { class: 'skill-average', text: s.count ? pct(s.average) : '–' }),
        el('span', { class: 'skill-count muted small', text: s.count + (s.count === 1 ? ' reply' : ' replies') }),
        trendLine(skill, profile.trend),
      ),
    );
  }
  box.append(list);
}

/**
 * `text` as nodes with the evidence spans (code-point offsets [start, end)) in <mark>, each with
 * its reason as a title. Overlapping spans are merged into the first.
 */
export function marked(text, evidence) {
  const chars = Array.from(text || '');
  const spans = (evidence || [])
    .filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end) && e.end > e.start)
    .map((e) => ({ start: Math.max(0, e.start), end: Math.min(chars.length, e.end), why: e.why || '' }))
    .sort((a, b) => a.start - b.start);
  const nodes = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at || s.start >= chars.length) continue;
    if (s.start > at) nodes.push(chars.slice(at, s.start).join(''));
    nodes.push(el('mark', { title: s.why || null, text: chars.slice(s.start, s.end).join('') }));
    at = s.end;
  }
  if (at < chars.length) nodes.push(chars.slice(at).join(''));
  return nodes;
}

/** One highlight: the skill, the quote, a link to its conversation. */
export function highlightItem(h) {
  return el(
    'li',
    { class: 'highlight', dataset: { skill: h.skill } },
    el('p', { class: 'highlight-head' }, el('span', { class: 'badge skill-badge', text: skillLabel(h.skill) }), typeof h.score === 'number' ? el('span', { class: 'muted small', text: ' ' + pct(h.score) }) : ''),
    el('blockquote', { class: 'quote', text: h.text || '' }),
    h.conversation_id ? el('a', { href: conversationHref(h.conversation_id), text: 'Open the conversation' }) : '',
  );
}

/** One suggestion: the skill, the advice, its example quote (from `whose` reply) with a link. */
export function suggestionBody(s, whose = 'your') {
  return [
    el('p', { class: 'suggestion-skill' }, el('span', { class: 'badge skill-badge', text: skillLabel(s.skill) })),
    el('p', { class: 'suggestion-text', text: s.text || '' }),
    s.example
      ? el(
          'figure',
          { class: 'example' },
          el('blockquote', { class: 'quote', text: s.example.quote || '' }),
          el('figcaption', { class: 'small' }, 'From ' + whose + ' reply · ', s.example.conversation_id ? el('a', { href: conversationHref(s.example.conversation_id), text: 'open the conversation' }) : ''),
        )
      : '',
  ];
}
