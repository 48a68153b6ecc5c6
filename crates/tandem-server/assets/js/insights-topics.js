// Insights: emerging topics, the customer messages the bot did not understand grouped by what
// they are about (docs/root-causes.md), new and growing ones first. A trainer turns one into an
// intent draft for the intents editor ("Draft an intent"), to review and save there.
import { api, clear, el, flash } from './api.js';
import { count, objects } from './causes.js';
import { DRAFT_PAGE, keepDraft } from './intent-draft.js';

const $ = (id) => document.getElementById(id);

function topicItem(t, index, mayDraft) {
  const id = 'topic-h-' + index;
  const texts = (Array.isArray(t.examples) ? t.examples : []).filter((x) => typeof x === 'string').slice(0, 5);
  const draft = t.draft && typeof t.draft === 'object' ? t.draft : null;
  return el(
    'li',
    { class: 'topic', dataset: { topic: String(t.id || '') }, 'aria-labelledby': id },
    el(
      'h3',
      { id, class: 'topic-label' },
      el('span', { text: String(t.label || 'Unnamed topic') }),
      t.new === true ? el('span', { class: 'badge topic-new', text: 'New' }) : null,
      t.growing === true ? el('span', { class: 'badge topic-growing', text: 'Growing' }) : null,
    ),
    el('p', { class: 'muted small', text: count(t.count) + ' messages' + (typeof t.recent === 'number' ? ', ' + count(t.recent) + ' today or yesterday' : '') }),
    texts.length ? el('ul', { class: 'topic-examples', 'aria-label': 'Examples' }, ...texts.map((x) => el('li', {}, el('q', { text: x })))) : null,
    mayDraft && draft
      ? el('button', {
          type: 'button',
          class: 'secondary draft-intent',
          'aria-label': 'Draft an intent from the topic ' + String(t.label || ''),
          onclick: () => {
            if (!keepDraft(draft)) {
              flash('The draft could not be handed to the intents editor (this browser keeps no session storage).', 'error');
              return;
            }
            location.assign(DRAFT_PAGE);
          },
          text: 'Draft an intent',
        })
      : null,
  );
}

/** Loads GET /insights/topics for the window; `mayDraft`: whether this person may add intents. */
export async function loadTopics(days, mayDraft) {
  const list = $('topics');
  if (!list) return;
  let report;
  try {
    report = await api('GET', '/insights/topics?days=' + encodeURIComponent(days));
  } catch (e) {
    clear(list).append(el('li', { class: 'muted', text: e.status === 404 ? 'Topics are not available on this server.' : 'The topics could not be loaded: ' + (e.message || e) }));
    return;
  }
  const topics = objects(report && report.topics);
  const note = $('topics-note');
  if (note) note.textContent = typeof report.messages === 'number' ? report.messages + ' messages the bot did not understand in this period.' : '';
  clear(list);
  if (!topics.length) list.append(el('li', { class: 'muted', text: 'No topics: the bot understood what customers asked, or too few messages were left over.' }));
  topics.forEach((t, i) => list.append(topicItem(t, i, mayDraft)));
}
