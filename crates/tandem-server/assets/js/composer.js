// The inbox's composer: one draft per conversation (a draft for one customer never sits in
// another's case), a reply/note mode that cannot be mistaken (colour, a label naming who will
// read it), a check before a reply that reads like an internal note goes to the customer, and the
// focus out of the text box after sending so the single-key shortcuts act instead of typing.
import { api, attempt, flash, token } from './api.js';
import { STAFF_TEXTS, picker, uploadFile } from './attach.js';

const $ = (id) => document.getElementById(id);

/** Whether `text` starts the way internal notes do ("Note:", "internal:", "NB:", "FYI team"). */
export function looksLikeNote(text) {
  return /^\s*(note\s*:|internal\s*:|nb\s*:|fyi\s+team\b)/i.test(text);
}

const drafts = new Map(); // conversation id -> unsent text
let current = null; // { id, name } of the conversation the composer writes to
let onSent = () => {};
let files = null; // the paperclip: files chosen per conversation, sent with the next message

const box = () => $('reply-text');
export const mode = () => document.querySelector('input[name="kind"]:checked').value;

/** Wires the composer; `sent(conversationId, message)` is called for each stored message. */
export function setupComposer(sent) {
  onSent = sent;
  files = picker({ before: $('canned'), texts: STAFF_TEXTS, key: () => current && current.id, onError: (text) => flash(text, 'error'),
    upload: (file, id) => uploadFile('/api/v1/conversations/' + id + '/attachments', file, token(), STAFF_TEXTS) });
  for (const r of document.querySelectorAll('input[name="kind"]')) r.addEventListener('change', render);
  box().addEventListener('input', () => {
    remember();
    hideCheck();
  });
  box().addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    submit(false);
  });
  $('send-as-note').addEventListener('click', () => {
    setMode('note');
    submit(true);
  });
  $('send-anyway').addEventListener('click', () => submit(true));
  $('keep-editing').addEventListener('click', () => {
    hideCheck();
    box().focus();
  });
  render();
}

/** Shows the composer for conversation `c`: its own draft, always in reply mode. */
export function showConversation(c) {
  if (current && current.id === c.id) {
    current.name = c.customer.name;
    render();
    return;
  }
  current = { id: c.id, name: c.customer.name };
  box().value = drafts.get(c.id) || '';
  files.show();
  setMode('reply');
}

/** Drops what was written for a conversation that is gone (erased). */
export function forgetConversation(id) {
  drafts.delete(id);
  if (current && current.id === id) {
    current = null;
    box().value = '';
    hideCheck();
  }
}

/** The `r` and `n` shortcuts: the mode, and the focus in the text box. */
export function focusComposer(kind) {
  if (!current) return;
  setMode(kind);
  box().focus();
}

/** Adds a suggested article link or canned reply to the draft. */
export function insert(text) {
  box().value = box().value ? box().value.replace(/\s*$/, '\n') + text : text;
  remember();
  box().focus();
}

function remember() {
  if (!current) return;
  if (box().value.trim()) drafts.set(current.id, box().value);
  else drafts.delete(current.id);
}

function setMode(kind) {
  document.querySelector(`input[name="kind"][value="${kind}"]`).checked = true;
  render();
}

function render() {
  const note = mode() === 'note';
  const name = current ? current.name : 'the customer';
  $('composer').classList.toggle('note-mode', note);
  $('composer').classList.toggle('reply-mode', !note);
  $('composer-mode').textContent = note ? 'Internal note — only your team sees this' : 'Reply to ' + name + ' — the customer sees this';
  box().placeholder = note ? 'Write an internal note… (Ctrl+Enter saves)' : 'Write a reply to ' + name + '… (Ctrl+Enter sends)';
  $('send').textContent = note ? 'Add internal note' : 'Send to ' + name;
  hideCheck();
}

function showCheck() {
  $('note-check-text').textContent = 'This starts like an internal note, but it would go to ' + (current ? current.name : 'the customer') + '.';
  $('note-check').hidden = false;
  $('send-as-note').focus();
}

function hideCheck() {
  $('note-check').hidden = true;
}

async function submit(confirmed) {
  const text = box().value.trim();
  const attachment_ids = current ? files.ids() : [];
  if ((!text && !attachment_ids.length) || !current || files.busy()) return;
  const internal = mode() === 'note';
  if (!internal && !confirmed && looksLikeNote(text)) {
    showCheck();
    return;
  }
  hideCheck();
  const id = current.id;
  $('send').disabled = true;
  const message = await attempt(() => api('POST', '/conversations/' + id + '/messages', { text, internal, attachment_ids }), internal ? 'Note added.' : 'Reply sent.');
  $('send').disabled = false;
  if (!message) return;
  files.clear(id);
  if ((drafts.get(id) || '').trim() === text) drafts.delete(id);
  if (current && current.id === id) {
    if (box().value.trim() === text) box().value = '';
    // Out of the text box: `n` now switches to a note instead of typing an "n" into a reply.
    $('timeline').focus({ preventScroll: true });
  }
  onSent(id, message);
}
