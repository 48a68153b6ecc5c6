// "How did we do?" in the customer's chat window once their conversation is resolved: a rating
// from 1 to 5 (buttons named for screen readers), an optional comment, a thank-you after. The
// customer may change it (the new rating replaces the old one). This device remembers the rating
// per conversation, so the question is not asked again on the next page load. Errors are said in
// the window, in the pack's words, never thrown.
import { t } from './widget-texts.js';

let storeKey = null; // where this device remembers the ratings: {conversation id: score}
let send = async () => {}; // (conversationId, score, comment) => Promise
let current = { conversation: null, status: null };
let picked = null; // the score chosen in the open form
let editing = false; // the customer asked to change their rating

const $ = (id) => document.getElementById(id);

function remembered() {
  try {
    const all = JSON.parse(localStorage.getItem(storeKey) || '{}');
    return all && typeof all === 'object' && !Array.isArray(all) ? all : {};
  } catch {
    return {};
  }
}

function remember(conversation, score) {
  const all = remembered();
  delete all[conversation];
  all[conversation] = score;
  // The newest 50 conversations are enough for one device.
  const kept = Object.fromEntries(Object.entries(all).slice(-50));
  try {
    localStorage.setItem(storeKey, JSON.stringify(kept));
  } catch {
    // A full or blocked storage only means the question may be asked again.
  }
}

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Wires the module: this widget's storage key and how to send one rating. */
export function setupRating(key, sendRating) {
  storeKey = key;
  send = sendRating;
}

/** Forgets the ratings (the customer ended the chat on this device). */
export function forgetRatings() {
  if (storeKey) localStorage.removeItem(storeKey);
}

/** The conversation's status changed (or was read on load): shows or hides the prompt. */
export function ratingStatus(conversation, status) {
  if (conversation !== current.conversation) {
    picked = null;
    editing = false;
  }
  current = { conversation, status };
  render();
}

function render() {
  const box = $('rating');
  if (!box) return;
  const show = Boolean(current.conversation && storeKey) && current.status === 'resolved';
  box.hidden = !show;
  if (!show) {
    box.replaceChildren();
    return;
  }
  const given = remembered()[current.conversation];
  if (Number.isInteger(given) && !editing) done(box, given, false);
  else form(box, given);
}

/** The thank-you (just rated) or the reminder of the rating given, with a way to change it. */
function done(box, score, fresh) {
  const line = node('p', 'rating-done', fresh ? t('rating_thanks') + ' ' : '');
  line.setAttribute('role', 'status');
  line.append(t('rating_given', { score }));
  const change = node('button', 'link-button rating-change', t('rating_change'));
  change.type = 'button';
  change.addEventListener('click', () => {
    editing = true;
    picked = score;
    render();
    (box.querySelector('.rating-score[aria-pressed="true"]') || box.querySelector('.rating-score'))?.focus();
  });
  box.replaceChildren(line, change);
}

function form(box, previous) {
  const question = node('p', 'rating-question', t('rating_question'));
  question.id = 'rating-question';
  const scores = node('div', 'rating-scores');
  scores.setAttribute('role', 'group');
  scores.setAttribute('aria-labelledby', 'rating-question');
  if (picked === null && Number.isInteger(previous)) picked = previous;
  for (let score = 1; score <= 5; score += 1) {
    const b = node('button', 'rating-score', String(score));
    b.type = 'button';
    b.dataset.score = String(score);
    b.setAttribute('aria-label', t('rating_score', { score }));
    b.setAttribute('aria-pressed', picked === score ? 'true' : 'false');
    b.addEventListener('click', () => {
      picked = score;
      for (const other of scores.querySelectorAll('.rating-score')) other.setAttribute('aria-pressed', other === b ? 'true' : 'false');
      error.textContent = '';
    });
    scores.append(b);
  }
  const scale = node('p', 'rating-scale', t('rating_low') + ' · ' + t('rating_high'));
  const label = node('label', 'rating-comment-label', t('rating_comment'));
  label.htmlFor = 'rating-comment';
  const comment = node('textarea', 'rating-comment');
  comment.id = 'rating-comment';
  comment.rows = 2;
  comment.maxLength = 2000;
  const submit = node('button', 'primary rating-send', t('rating_send'));
  submit.type = 'submit';
  const error = node('p', 'error rating-error');
  error.setAttribute('role', 'alert');
  const wrapper = node('form', 'rating-form');
  wrapper.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!Number.isInteger(picked)) {
      error.textContent = t('rating_pick');
      return;
    }
    const conversation = current.conversation;
    const score = picked;
    submit.disabled = true;
    error.textContent = '';
    try {
      await send(conversation, score, comment.value.trim());
    } catch (e) {
      submit.disabled = false;
      error.textContent = (e && e.message) || t('failed');
      return;
    }
    remember(conversation, score);
    editing = false;
    if (conversation === current.conversation && current.status === 'resolved') done(box, score, true);
  });
  wrapper.append(question, scores, scale, label, comment, submit, error);
  box.replaceChildren(wrapper);
}
