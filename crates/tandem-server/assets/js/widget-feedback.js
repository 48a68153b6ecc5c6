// "Was this helpful?" under the bot's messages in the customer's chat window: thumbs up or down,
// once per message (remembered on this device), in the pack's words. An unhelpful answer goes to
// the trainers' review queue.
import { t } from './widget-texts.js';

let storeKey = null; // where this device remembers the rated messages
let send = async () => {}; // (messageId, helpful) => Promise

function rated() {
  try {
    const ids = JSON.parse(localStorage.getItem(storeKey) || '[]');
    return new Set(Array.isArray(ids) ? ids : []);
  } catch {
    return new Set();
  }
}

function remember(id) {
  const ids = [...rated(), id].slice(-300);
  localStorage.setItem(storeKey, JSON.stringify(ids));
}

/** Wires the module: the storage key of this widget, and how to send one rating. */
export function setupFeedback(key, sendRating) {
  storeKey = key;
  send = sendRating;
}

/** Forgets the ratings (the customer ended the chat on this device). */
export function forgetFeedback() {
  if (storeKey) localStorage.removeItem(storeKey);
}

function button(cls, glyph, text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'rate ' + cls;
  b.textContent = glyph;
  b.title = text;
  b.setAttribute('aria-label', text);
  b.addEventListener('click', onClick);
  return b;
}

/** The thumbs for the bot's message `m`, or null (not the bot's, or rated already). */
export function feedbackFor(m) {
  if (m.author !== 'bot' || !m.id || !storeKey || rated().has(m.id)) return null;
  const box = document.createElement('div');
  box.className = 'feedback';
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', t('feedback_question'));
  const question = document.createElement('span');
  question.className = 'feedback-question';
  question.textContent = t('feedback_question');
  const error = document.createElement('span');
  error.className = 'feedback-error';
  const rate = async (helpful) => {
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    error.textContent = '';
    try {
      await send(m.id, helpful);
    } catch (e) {
      for (const b of box.querySelectorAll('button')) b.disabled = false;
      error.textContent = e.message || t('failed');
      return;
    }
    remember(m.id);
    const thanks = document.createElement('p');
    thanks.className = 'feedback-done';
    thanks.setAttribute('role', 'status');
    thanks.textContent = t('feedback_thanks');
    box.replaceWith(thanks);
  };
  box.append(question, button('rate-up', '\u{1F44D}', t('feedback_yes'), () => rate(true)), button('rate-down', '\u{1F44E}', t('feedback_no'), () => rate(false)), error);
  return box;
}
