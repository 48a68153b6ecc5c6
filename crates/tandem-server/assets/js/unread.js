// Unread markers in the inbox: each conversation's count of customer messages this staff member
// has not read (kept by the server, so it holds across devices and reloads), a dot with an
// accessible label and bold text in the list, the count of unread cases in the tab title
// ("(3) Inbox · Tandem"), and marking a conversation read when it is opened (and when a message
// arrives in the open conversation while the page is in view).
import { api, el } from './api.js';

const counts = new Map(); // conversation id -> unread customer messages
let baseTitle = document.title;
let openId = () => null;
let rerender = () => {};
let countTimer;

/** Whether the agent is looking at the page now. */
export const inView = () => !document.hidden && document.hasFocus();

/** `open()` gives the id of the open conversation; `render()` draws the list again. */
export function setupUnread({ open, render }) {
  openId = open;
  rerender = render;
  baseTitle = document.title.replace(/^\(\d+\)\s*/, '');
  const readOpen = () => {
    const id = openId();
    if (id && inView() && counts.get(id)) markRead(id);
  };
  window.addEventListener('focus', readOpen);
  document.addEventListener('visibilitychange', readOpen);
  refreshCount();
}

/** Takes the counts of a list the server sent. */
export function noteList(conversations) {
  for (const c of conversations) counts.set(c.id, c.unread || 0);
}

const unread = (c) => (c.id === openId() ? 0 : counts.get(c.id) ?? c.unread ?? 0);

/** The class a list item gets: bold while unread. */
export const unreadClass = (c) => (unread(c) ? ' unread' : '');

/** The dot before an unread conversation's name, with its count for screen readers. */
export function unreadMarker(c) {
  const n = unread(c);
  if (!n) return null;
  const text = n === 1 ? '1 unread message' : n + ' unread messages';
  return el('span', { class: 'unread-dot', role: 'img', 'aria-label': text, title: text });
}

/** Marks a conversation read by this staff member (the server tells their other tabs). */
export function markRead(id) {
  if (counts.get(id)) {
    counts.set(id, 0);
    rerender();
  }
  api('POST', '/conversations/' + id + '/read')
    .catch(() => {})
    .then(refreshCount);
}

/** The number of unread cases in the tab title, from the server. */
export function refreshCount() {
  clearTimeout(countTimer);
  countTimer = setTimeout(async () => {
    const r = await api('GET', '/conversations/unread').catch(() => null);
    if (r) document.title = r.cases ? '(' + r.cases + ') ' + baseTitle : baseTitle;
  }, 200);
}

/** Keeps the markers live: customer messages, reads on other devices, cases changing hands. */
export function unreadFrame(frame) {
  if (frame.type === 'message_created' && frame.message.author === 'customer') {
    const id = frame.conversation_id;
    if (id === openId() && inView()) return markRead(id);
    counts.set(id, (counts.get(id) || 0) + 1);
    rerender();
    refreshCount();
  } else if (frame.type === 'read') {
    // This tab's own reads come back too: drawn again only when something changed.
    if (!counts.get(frame.conversation_id)) return refreshCount();
    counts.set(frame.conversation_id, 0);
    rerender();
    refreshCount();
  } else if (frame.type === 'conversation_updated' || frame.type === 'conversation_erased' || frame.type === 'resync') {
    refreshCount();
  }
}
