// Who else is on the open case, and typing both ways, in the inbox: "Alex is also viewing this
// case", "Alex is writing a reply…", "Jane is typing…" (the customer). This page tells the server
// (over the live socket) which case it has open and, every few seconds while the agent types,
// whether they write a reply or an internal note (only a reply's typing reaches the customer).
// A reply sent while a colleague is writing one asks first. Nothing of it is stored.
import { clear, el } from './api.js';
import { mode } from './composer.js';

const TEXTS = {
  viewing: (name) => name + ' is also viewing this case',
  reply: (name) => name + ' is writing a reply…',
  note: (name) => name + ' is writing an internal note…',
  customer: (name) => name + ' is typing…',
  confirm: (names) => names + (names.includes(' and ') ? ' are' : ' is') + ' writing a reply too. Send yours anyway?',
  sendAnyway: 'Send anyway',
  wait: 'Wait',
};

/** A typing frame at most this often while typing; the others forget it this long after the last. */
const TYPING_EVERY = 3000;
const TYPING_EXPIRES = 6000;

const $ = (id) => document.getElementById(id);
let socket = { send: () => {} };
let open = null; // { id, name } of the open case
const others = new Map(); // user id -> { name, activity, timer }
let customerTimer = null;
let lastTyping = { at: 0, kind: null };
let confirmed = false;

/** `live` is the inbox's live socket (api.js `live()`). */
export function setupPresence(live) {
  socket = live;
  const box = el('div', { id: 'presence', class: 'presence', role: 'status', 'aria-live': 'polite', hidden: true });
  $('composer').before(box);
  $('reply-text').addEventListener('input', typed);
  // Before the composer sends: a colleague writing a reply too gets a question first.
  document.addEventListener('submit', guard, true);
}

/** The inbox opened a conversation: colleagues are told, and what was shown of the last one goes. */
export function viewing(conversation) {
  const same = open && open.id === conversation.id;
  open = { id: conversation.id, name: conversation.customer.name };
  if (!same) {
    for (const o of others.values()) clearTimeout(o.timer);
    others.clear();
    clearTimeout(customerTimer);
    customerTimer = null;
    lastTyping = { at: 0, kind: null };
    hideConfirm();
  }
  announce();
  render();
}

/** Tells the server again which case is open (after the socket reconnected). */
export function announce() {
  if (open) socket.send({ type: 'presence', conversation_id: open.id, activity: 'viewing' });
}

function typed() {
  if (!open || !$('reply-text').value.trim()) return;
  const kind = mode() === 'note' ? 'note' : 'reply';
  const now = Date.now();
  if (kind === lastTyping.kind && now - lastTyping.at < TYPING_EVERY) return;
  lastTyping = { at: now, kind };
  socket.send({ type: 'presence', conversation_id: open.id, activity: kind });
}

/** Handles the live frames about presence and typing (and clears typing when a message lands). */
export function presenceFrame(frame) {
  if (!open) return;
  if (frame.type === 'presence' && frame.conversation_id === open.id) {
    const known = others.get(frame.user_id);
    if (known) clearTimeout(known.timer);
    if (frame.activity === 'left') {
      others.delete(frame.user_id);
    } else {
      const entry = { name: frame.name, activity: frame.activity, timer: null };
      if (frame.activity !== 'viewing') entry.timer = setTimeout(() => stopWriting(frame.user_id), TYPING_EXPIRES);
      others.set(frame.user_id, entry);
      // A colleague who just came learns that this agent is here too.
      if (!known) announce();
    }
    render();
  } else if (frame.type === 'typing' && frame.author === 'customer' && frame.conversation_id === open.id) {
    clearTimeout(customerTimer);
    customerTimer = setTimeout(() => {
      customerTimer = null;
      render();
    }, TYPING_EXPIRES);
    render();
  } else if (frame.type === 'message_created' && frame.conversation_id === open.id) {
    if (frame.message.author === 'customer' && customerTimer) {
      clearTimeout(customerTimer);
      customerTimer = null;
    }
    if (frame.message.author_user_id && others.has(frame.message.author_user_id)) stopWriting(frame.message.author_user_id);
    render();
  } else if (frame.type === 'conversation_erased' && frame.conversation_id === open.id) {
    open = null;
    others.clear();
    render();
  }
}

function stopWriting(user) {
  const o = others.get(user);
  if (!o) return;
  clearTimeout(o.timer);
  o.activity = 'viewing';
  render();
}

function render() {
  const box = $('presence');
  if (!box) return;
  clear(box);
  for (const o of others.values()) {
    const writing = o.activity === 'reply' || o.activity === 'note';
    box.append(el('p', { class: 'presence-line' + (writing ? ' writing' : '') }, TEXTS[writing ? o.activity : 'viewing'](o.name)));
  }
  if (open && customerTimer) box.append(el('p', { class: 'presence-line customer-typing', text: TEXTS.customer(open.name) }));
  box.hidden = !box.childElementCount;
}

// --- a reply while a colleague writes one ----------------------------------------------------------

function writers() {
  return [...others.values()].filter((o) => o.activity === 'reply').map((o) => o.name);
}

function guard(e) {
  if (e.target.id !== 'composer' || confirmed || mode() !== 'reply' || !writers().length) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  if ($('presence-check')) return;
  const check = el(
    'div',
    { id: 'presence-check', class: 'presence-check', role: 'alert' },
    el('p', { text: TEXTS.confirm(writers().join(' and ')) }),
    el('button', { type: 'button', class: 'primary', id: 'presence-send', onclick: sendAnyway, text: TEXTS.sendAnyway }),
    el('button', { type: 'button', class: 'link', onclick: hideConfirm, text: TEXTS.wait }),
  );
  $('composer').prepend(check);
  $('presence-send').focus();
}

function sendAnyway() {
  hideConfirm();
  confirmed = true;
  try {
    $('composer').requestSubmit();
  } finally {
    confirmed = false;
  }
}

function hideConfirm() {
  $('presence-check')?.remove();
}
