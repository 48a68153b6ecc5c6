// The article drafts of the trainers' page: answers agents gave to questions the bot could not
// answer, most asked first. Accepting one opens an editor (slug, title, body, filled in from the
// draft) and creates the article the bot answers from; rejecting one drops it.
import { api, attempt, clear, el } from './api.js';

const $ = (id) => document.getElementById(id);

const state = { drafts: [], editing: null };

/** A slug from a question: "Do you ship to Italy?" -> "do-you-ship-to-italy". */
function slugify(text) {
  const slug = (text || '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'article';
}

async function fetchDrafts() {
  const answer = await api('GET', '/drafts');
  state.drafts = answer.drafts || [];
  $('draft-count').textContent = state.drafts.length ? String(state.drafts.length) : '';
}

async function load() {
  await fetchDrafts();
  render();
}

function card(d) {
  const conversations = d.conversation_ids || [];
  return el(
    'li',
    { class: 'card draft', dataset: { draft: d.id } },
    el('h3', { class: 'draft-question', text: d.question }),
    el(
      'p',
      { class: 'muted small' },
      conversations.length === 1 ? 'Asked in 1 conversation: ' : 'Asked in ' + conversations.length + ' conversations: ',
      ...conversations.slice(0, 5).map((id, i) => [i ? ', ' : '', el('a', { href: '/app/inbox?c=' + encodeURIComponent(id), text: 'conversation ' + (i + 1) })]),
    ),
    el('p', { class: 'draft-label small', text: 'The agent answered:' }),
    el('blockquote', { class: 'draft-answer', text: d.answer }),
    el(
      'div',
      { class: 'row-buttons' },
      el('button', { type: 'button', class: 'primary accept', text: 'Accept…', 'aria-label': 'Accept the draft "' + d.question + '" as an article', onclick: () => edit(d) }),
      el('button', { type: 'button', class: 'secondary reject', text: 'Reject', 'aria-label': 'Reject the draft "' + d.question + '"', onclick: () => reject(d) }),
    ),
  );
}

function render() {
  const list = clear($('draft-list'));
  for (const d of state.drafts) list.append(card(d));
  $('drafts-empty').hidden = state.drafts.length > 0;
}

function edit(d) {
  state.editing = d;
  $('draft-slug').value = slugify(d.question);
  $('draft-title').value = d.question;
  $('draft-body').value = d.answer;
  $('draft-error').textContent = '';
  $('draft-dialog').showModal();
  $('draft-title').focus();
}

function drop(d) {
  state.drafts = state.drafts.filter((x) => x.id !== d.id);
  $('draft-count').textContent = state.drafts.length ? String(state.drafts.length) : '';
  render();
}

async function reject(d) {
  const done = await attempt(() => api('POST', '/drafts/' + encodeURIComponent(d.id) + '/reject', {}).then(() => true), 'Draft rejected.');
  if (done) drop(d);
}

async function accept(e) {
  e.preventDefault();
  const d = state.editing;
  if (!d) return;
  const body = { slug: $('draft-slug').value.trim(), title: $('draft-title').value.trim(), body: $('draft-body').value };
  $('draft-save').disabled = true;
  try {
    await api('POST', '/drafts/' + encodeURIComponent(d.id) + '/accept', body);
  } catch (err) {
    // The dialog covers the page's toasts: the reason is said in it.
    $('draft-error').textContent = err.message || String(err);
    return;
  } finally {
    $('draft-save').disabled = false;
  }
  $('draft-dialog').close();
  await attempt(async () => drop(d), 'Article "' + body.title + '" created: the bot answers from it now.');
}

export function setupDrafts() {
  $('draft-form').addEventListener('submit', accept);
  $('draft-cancel').addEventListener('click', () => $('draft-dialog').close());
  return { load, count: fetchDrafts };
}
