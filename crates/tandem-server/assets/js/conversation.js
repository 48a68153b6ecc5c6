// One conversation as the inbox shows it: its messages (with the evidence the signals found
// marked in the customer's words) and the context panel (handoff summary, intent, signals, the
// bot's decision trace). Rendering only: the inbox module owns the state and the API calls.
import { clear, el, label, relative, token, when } from './api.js';
import { STAFF_TEXTS, files } from './attach.js';

const attached = files({ base: (a) => '/api/v1/conversations/' + a.conversation_id + '/attachments/' + a.id, token, texts: STAFF_TEXTS });

const $ = (id) => document.getElementById(id);

const SIGNAL_NAMES = { frustration: 'Frustration', human_request: 'Wants a person', urgency: 'Urgency', abuse: 'Abuse or threat' };
const AUTHOR = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' };

/** The string index of each UTF-8 byte offset (evidence offsets are bytes). */
function byteToIndex(text, byteOffset) {
  const encoder = new TextEncoder();
  let bytes = 0;
  let i = 0;
  for (const ch of text) {
    if (bytes >= byteOffset) return i;
    bytes += encoder.encode(ch).length;
    i += ch.length;
  }
  return text.length;
}

/** The message's text, with the evidence spans the signals found marked. */
function markedText(text, spans) {
  const p = el('p', { class: 'msg-text' });
  const ranges = spans
    .map((e) => ({ start: byteToIndex(text, e.start), end: byteToIndex(text, e.end), title: label(e.signal) + ': ' + label(e.cue) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  let at = 0;
  for (const r of ranges) {
    if (r.start < at) continue;
    p.append(text.slice(at, r.start), el('mark', { title: r.title, text: text.slice(r.start, r.end) }));
    at = r.end;
  }
  p.append(text.slice(at));
  return p;
}

/** One message of the timeline; `users` names the staff who wrote. */
export function messageItem(m, evidenceByMessage, users) {
  const kind = m.internal ? 'note' : m.author;
  const who = m.internal
    ? 'Internal note · ' + (users.get(m.author_user_id)?.name || 'staff')
    : m.author === 'agent'
      ? users.get(m.author_user_id)?.name || 'Agent'
      : AUTHOR[m.author] || m.author;
  const spans = evidenceByMessage.get(m.id) || [];
  return el(
    'li',
    { class: 'msg msg-' + kind, dataset: { id: m.id, author: m.author } },
    el('div', { class: 'msg-head' }, el('span', { class: 'msg-who', text: who }), m.author === 'bot' ? el('span', { class: 'badge bot', text: 'bot' }) : null, el('time', { datetime: m.created_at, title: when(m.created_at), text: relative(m.created_at) })),
    spans.length ? markedText(m.text, spans) : el('p', { class: 'msg-text', text: m.text }),
    attached.render(m),
    m.sources && m.sources.length
      ? el('p', { class: 'msg-sources' }, 'Sources: ', ...m.sources.map((s, i) => [i ? ', ' : '', el('a', { href: s.url, target: '_blank', rel: 'noopener', text: s.title })]))
      : null,
    m.choices && m.choices.length ? el('p', { class: 'msg-sources', text: 'Offered: ' + m.choices.map((c) => c.label).join(' · ') }) : null,
    m.choice ? el('p', { class: 'msg-sources', text: 'Picked the choice: ' + m.choice }) : null,
  );
}

/** The evidence spans of the signals, by the message they were found in. */
export function evidenceIndex(decisions) {
  const byMessage = new Map();
  for (const d of decisions) {
    for (const [signal, s] of Object.entries(d.signals || {})) {
      for (const e of (s && s.evidence) || []) {
        if (e.source && e.source.in === 'message' && e.weight > 0) {
          if (!byMessage.has(d.message_id)) byMessage.set(d.message_id, []);
          byMessage.get(d.message_id).push({ ...e, signal });
        }
      }
    }
  }
  return byMessage;
}
function signalRow(name, s) {
  const score = s ? s.score : 0;
  const evidence = ((s && s.evidence) || []).filter((e) => e.weight > 0).slice(0, 6);
  return el(
    'li',
    { class: 'signal' + (score >= 0.5 ? ' present' : ''), dataset: { signal: name } },
    el('span', { class: 'signal-name', text: SIGNAL_NAMES[name] || label(name) }),
    el('meter', { min: 0, max: 1, low: 0.35, high: 0.6, optimum: 0, value: score.toFixed(2), 'aria-label': (SIGNAL_NAMES[name] || name) + ' score' }),
    el('span', { class: 'signal-score', text: Math.round(score * 100) + '%' }),
    evidence.length
      ? el('ul', { class: 'evidence' }, ...evidence.map((e) => el('li', {}, el('q', { text: e.text }), ' ', el('span', { class: 'muted', text: label(e.cue) + ' +' + e.weight.toFixed(2) }))))
      : null,
  );
}

/** A small SVG line of the frustration score over the customer's messages. */
function moodSparkline(points) {
  if (points.length < 2) return null;
  const w = 160;
  const h = 32;
  const step = w / (points.length - 1);
  const path = points.map((p, i) => (i ? 'L' : 'M') + (i * step).toFixed(1) + ' ' + (h - p * (h - 4) - 2).toFixed(1)).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Frustration over the conversation: ' + points.map((p) => Math.round(p * 100) + '%').join(', '));
  const line = document.createElementNS(ns, 'path');
  line.setAttribute('d', path);
  svg.append(line);
  return svg;
}

/** The context panel of conversation `c` with the bot's `decisions` in it. */
export function renderContext(c, decisions) {
  const summary = clear($('summary'));
  if (c.summary) {
    for (const line of c.summary.split('\n').filter((l) => l.trim())) summary.append(el('p', { text: line }));
  } else {
    summary.append(el('p', { class: 'muted', text: c.status === 'bot' ? 'The bot is still handling this conversation.' : 'No handoff summary.' }));
  }

  const triage = c.triage || (decisions.length ? decisions[decisions.length - 1] : null);
  const intent = clear($('intent'));
  // What the customer wants: the confident intents of the conversation, not only of its last
  // message ("a person, please" says how they feel, not what they need).
  const wants = new Map();
  for (const d of decisions) {
    if (d.intent && (!wants.has(d.intent) || wants.get(d.intent) < d.confidence)) wants.set(d.intent, d.confidence);
  }
  if (wants.size) {
    intent.append(el('p', { class: 'wants' }, 'Wants: ', ...[...wants].map(([name, conf], i) => [i ? ', ' : '', el('strong', { text: label(name) }), ' ', el('span', { class: 'muted', text: Math.round(conf * 100) + '%' })])));
  }
  if (triage) {
    const top = triage.top_intents || [];
    const recognised = triage.intent && !triage.out_of_scope;
    intent.append(
      el('p', { class: 'small' }, 'Last message: ', recognised ? el('strong', { text: label(triage.intent) }) : el('span', { text: 'not a known intent' }), ' ', el('span', { class: 'muted', text: recognised ? 'confidence ' + Math.round((triage.confidence || 0) * 100) + '%' : top.length ? '(closest: ' + label(top[0].intent) + ' ' + Math.round(top[0].score * 100) + '%)' : '' })),
    );
  } else if (!wants.size) {
    intent.append(el('p', { class: 'muted', text: 'No triage yet.' }));
  }
  const signals = clear($('signals'));
  const latest = (triage && triage.signals) || {};
  // A customer who asked for a person (the button or a choice carries no score) is shown as asking.
  const asked = decisions.some((d) => d.handoff_reason === 'customer_request');
  for (const name of Object.keys(SIGNAL_NAMES)) {
    if (name === 'human_request' && asked) signals.append(el('li', { class: 'signal present', dataset: { signal: name } }, el('span', { class: 'signal-name', text: SIGNAL_NAMES[name] }), el('span', { class: 'signal-score', text: 'asked' })));
    else signals.append(signalRow(name, latest[name]));
  }
  const mood = decisions.map((d) => (d.signals && d.signals.frustration ? d.signals.frustration.score : 0));
  const spark = moodSparkline(mood);
  if (spark) signals.append(el('li', { class: 'mood' }, el('span', { class: 'signal-name', text: 'Mood over time' }), spark));

  const list = clear($('decisions'));
  if (!decisions.length) list.append(el('li', { class: 'muted', text: 'The bot made no decisions here.' }));
  for (const d of decisions) {
    list.append(
      el(
        'li',
        { class: 'decision decision-' + d.kind },
        el('div', {}, el('strong', { text: label(d.kind) }), d.handoff_reason ? ' · ' + label(d.handoff_reason) : '', d.intent ? ' · ' + label(d.intent) + ' ' + Math.round(d.confidence * 100) + '%' : '', ' ', el('time', { class: 'muted', datetime: d.created_at, text: relative(d.created_at) })),
        d.reasons && d.reasons.length ? el('ul', { class: 'reasons' }, ...d.reasons.map((r) => el('li', { text: r }))) : null,
        topIntents(d.top_intents),
      ),
    );
  }
}

// The intents the model ranked first, with the words that carried each.
function topIntents(top) {
  if (!top || !top.length) return null;
  return el(
    'p',
    { class: 'muted small' },
    'Model: ',
    ...top.slice(0, 3).map((t, i) => [i ? ' · ' : '', label(t.intent) + ' ' + Math.round(t.score * 100) + '%', t.words && t.words.length ? ' (' + t.words.map((w) => '"' + w + '"').join(', ') + ')' : '']),
  );
}

/**
 * A reply's soft skills under it in the timeline: the skills it showed (✓, ✓✓ clearly), each with
 * the scorer's reason as its title, and the ones it did not.
 */
export function qualityLine(skills) {
  const entries = Object.entries(skills || {});
  const shown = entries.filter(([, s]) => s.level >= 1);
  const missing = entries.filter(([, s]) => s.level === 0).map(([k]) => label(k).toLowerCase());
  return el(
    'p',
    { class: 'msg-quality msg-sources' },
    'Soft skills: ',
    ...shown.map(([k, s]) => el('span', { class: 'chip', title: s.reason, dataset: { skill: k, level: String(s.level) }, text: label(k) + (s.level >= 2 ? ' ✓✓' : ' ✓') })),
    shown.length ? '' : 'none shown',
    missing.length ? ' · not shown: ' + missing.join(', ') : '',
  );
}
