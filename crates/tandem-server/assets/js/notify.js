// Desktop notifications in the inbox, with the browser's permission, asked for only when the agent
// clicks "Turn on desktop notifications" (the choice is remembered on this device): a new case
// handed over to people (unassigned, or assigned to this agent), and a customer's reply in such a
// case unless it is the one open while the page is in view. Clicking a notification opens the case.
// Never for the agent's own actions or for internal notes (only customer messages and handovers).
import { api, el, flash } from './api.js';
import { inView } from './unread.js';

const TEXTS = {
  turnOn: 'Turn on desktop notifications',
  turnOff: 'Turn off desktop notifications',
  blocked: 'This browser blocks notifications from Tandem; allow them in its site settings.',
  newCase: (name) => 'New case: ' + name,
  reply: (name) => name + ' replied',
};
const KEY = 'tandem.notifications';

const supported = () => typeof window.Notification === 'function';
const wanted = () => localStorage.getItem(KEY) === 'on';
const allowed = () => supported() && wanted() && window.Notification.permission === 'granted';

let me = null;
let openId = () => null;
let openCase = () => {};
const announced = new Map(); // case id -> when it was announced as new

/** `me` is the staff member; `open()` the id of the open case; `openCase(id)` opens one. */
export function setupNotifications(options) {
  ({ me, open: openId, openCase } = options);
  const button = el('button', { type: 'button', id: 'notify-toggle', class: 'link notify-toggle', onclick: toggle });
  document.getElementById('live-state').after(button);
  render();
}

function render() {
  const button = document.getElementById('notify-toggle');
  if (!button) return;
  button.hidden = !supported();
  const on = allowed();
  button.textContent = on ? TEXTS.turnOff : TEXTS.turnOn;
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
}

async function toggle() {
  if (allowed()) {
    localStorage.removeItem(KEY);
    return render();
  }
  // Asked here, on the agent's click, never on its own.
  const answer = await window.Notification.requestPermission();
  if (answer === 'granted') localStorage.setItem(KEY, 'on');
  else flash(TEXTS.blocked, 'info');
  render();
}

const forMe = (c) => c && (c.status === 'queued' || c.status === 'assigned') && (!c.assignee_id || c.assignee_id === me.id);

function show(title, body, id) {
  let n;
  try {
    n = new window.Notification(title, { body: (body || '').slice(0, 160), tag: 'tandem-' + id });
  } catch {
    return; // some browsers allow notifications only from a service worker
  }
  n.onclick = () => {
    window.focus();
    openCase(id);
    n.close?.();
  };
}

/** Notifies of what a live frame brings, when notifications are on. */
export async function notifyFrame(frame) {
  if (!allowed()) return;
  if (frame.type === 'conversation_updated' && frame.event === 'handed_off') {
    const c = frame.conversation;
    if (!forMe(c) || announced.has(c.id)) return;
    announced.set(c.id, Date.now());
    show(TEXTS.newCase(c.customer.name), c.preview, c.id);
  } else if (frame.type === 'message_created' && frame.message.author === 'customer' && !frame.message.internal) {
    const id = frame.conversation_id;
    if (id === openId() && inView()) return;
    // A moment for the bot's turn: a message that hands the case over is told as the new case.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // As it is now (the list may be older): a case for this agent, not one with the bot.
    const c = await api('GET', '/conversations/' + id).catch(() => null);
    // The message that brought a new case is told as the new case; an opened case needs none.
    if (Date.now() - (announced.get(id) || 0) < 10000 || (id === openId() && inView())) return;
    if (forMe(c)) show(TEXTS.reply(c.customer.name), frame.message.text, id);
  }
}
