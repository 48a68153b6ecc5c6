// The customer's chat window (inside the iframe that widget.js puts on the business's site).
// It keeps the conversation across page loads in this origin's local storage, shows live
// messages, labels the bot as a bot, and always offers a person.
import { showEdits, updateBubble } from './widget-edits.js';

import { t, TEXTS } from './widget-texts.js';
import { setupTyping, typingFrame } from './widget-typing.js';
import { files, picker, uploadFile } from './attach.js';
import { feedbackFor, forgetFeedback, setupFeedback } from './widget-feedback.js';
import { forgetRatings, ratingStatus, setupRating } from './widget-rating.js';

const $ = (id) => document.getElementById(id);
const key = document.body.dataset.key;

const STORE = 'tandem.widget.' + key;

// `personReplied`: a person has written since the bot last spoke (only then is someone "with you").
// `open`: whether the chat is in view on the host page; replies that come while it is not are unread.
const state = { conversation: null, token: null, seen: new Set(), socket: null, status: 'bot', personReplied: false, open: false, unread: 0, greeting: null };

function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || 'null');
  } catch {
    return null;
  }
}

async function call(method, path, body) {
  const headers = {};
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch('/api/v1/widget' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Error(t('offline'));
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    // What the customer can act on is said in the pack's words; anything else as the server says it.
    const code = payload && payload.error && payload.error.code;
    const said = { invalid_email: t('email_invalid'), rate_limited: t('rate_limited') }[code];
    const error = new Error(said || (response.status >= 500 ? t('failed') : (payload && payload.error && payload.error.message) || t('failed')));
    error.status = response.status;
    throw error;
  }
  return payload;
}

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

const WHO = { customer: t('you'), bot: t('assistant'), agent: t('team'), system: '' };

/** A link that opens in a new tab, for http(s) addresses only; `null` for anything else. */
function link(href, text) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const a = node('a', '', text);
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

// Markdown links [words](https://…) and bare http(s) addresses; a bare address ends before
// trailing punctuation ("see https://x.example/a." links https://x.example/a).
const LINKS = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s()]+)\)|https?:\/\/[^\s<>"'`]+/g;

/** The message's text as DOM nodes, its web addresses clickable (never parsed as HTML). */
function richText(text) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const match of text.matchAll(LINKS)) {
    let [whole, words, href] = match;
    if (!href) {
      whole = whole.replace(/[.,;:!?)\]}'"]+$/, '');
      href = whole;
    }
    const a = link(href, words || whole);
    if (!a) continue;
    out.append(text.slice(at, match.index), a);
    at = match.index + whole.length;
  }
  out.append(text.slice(at));
  return out;
}

/** The bot's first message starts with the disclosure the customer was greeted with: not twice. */
function withoutGreeting(text) {
  const g = state.greeting;
  return g && text.startsWith(g) && text.length > g.length ? text.slice(g.length).trimStart() : text;
}

function bubble(author, name) {
  const item = node('li', 'msg msg-' + author);
  item.dataset.author = author;
  if (author !== 'system') {
    const head = node('div', 'msg-head');
    head.append(node('span', 'who', name || WHO[author] || ''));
    if (author === 'bot') head.append(node('span', 'bot-badge', t('bot_badge')));
    item.append(head);
  }
  return item;
}

/** The pack's disclosure, said by the bot when the chat opens (before the customer writes). */
function greet() {
  if (!state.greeting || $('messages').querySelector('.msg-greeting')) return;
  const item = bubble('bot');
  item.classList.add('msg-greeting');
  const text = node('p', 'msg-text');
  text.append(richText(state.greeting));
  item.append(text);
  $('messages').prepend(item);
}

function addMessage(m, live = false) {
  if (state.seen.has(m.id)) {
    // Seen already: a reload still brings an edit or deletion the socket missed.
    if (m.edited_at || m.deleted_at) updateBubble($('messages'), m, richText);
    return;
  }
  state.seen.add(m.id);
  const item = bubble(m.author, m.author === 'agent' ? m.author_name : null);
  const text = node('p', 'msg-text');
  if (m.author === 'customer' || m.author === 'system') text.textContent = m.text;
  else text.append(richText(m.author === 'bot' ? withoutGreeting(m.text) : m.text));
  item.append(text);
  item.append(attached.render(m) || '');
  if (m.sources && m.sources.length) {
    const sources = node('p', 'sources', t('sources') + ' ');
    m.sources.forEach((s, i) => {
      const a = link(s.url, s.title);
      if (!a) return;
      if (i) sources.append(', ');
      sources.append(a);
    });
    item.append(sources);
  }
  // A question the customer answers with one click: each button sends its label and its intent.
  if (m.author === 'bot' && m.choices && m.choices.length) {
    const group = node('div', 'choices');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', t('choose_one'));
    for (const c of m.choices) {
      const button = node('button', 'choice', c.label);
      button.type = 'button';
      button.dataset.choice = c.intent;
      button.addEventListener('click', () => {
        disableChoices();
        send(c.label, c.intent).catch(() => {});
      });
      group.append(button);
    }
    item.append(group);
  }
  // Once the customer writes, earlier choices are answered: they no longer apply.
  if (m.author === 'customer') disableChoices();
  showEdits(item, m);
  // Was the bot's answer helpful? Once per message.
  if (m.author === 'bot' && !m.deleted_at) item.append(feedbackFor(m) || '');
  $('messages').append(item);
  $('messages').scrollTop = $('messages').scrollHeight;
  if (m.author !== 'customer') $('typing').hidden = true;
  if (m.author === 'agent' || m.author === 'bot') {
    state.personReplied = m.author === 'agent';
    showStatus();
    if (live) arrived();
  }
}

function setStatus(status) {
  state.status = status;
  showStatus();
  ratingStatus(state.conversation, status);
}

// Someone is "with you" only once a person has written; an assigned case nobody answered yet waits.
function showStatus() {
  const status = state.status;
  const withPerson = status === 'queued' || status === 'assigned';
  $('status-line').textContent =
    withPerson && state.personReplied ? t('status_with_person') : withPerson ? t('status_waiting') : status === 'resolved' ? t('status_closed') : t('status_bot');
  $('ask-person').hidden = withPerson;
}

// --- replies that come while the chat is out of view ----------------------------------------------

/** The origin of the page that embeds this frame, when the browser tells it. */
function hostOrigin() {
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length) return ancestors[0];
  try {
    return new URL(document.referrer).origin;
  } catch {
    return null;
  }
}

/** Tells the host page (widget.js) something, only if it is a page the business allows. */
function tellHost(message) {
  if (parent === window) return;
  const host = hostOrigin();
  if (host && (ORIGINS.includes('*') || ORIGINS.includes(host))) parent.postMessage(message, host);
}

function arrived() {
  if (state.open && !document.hidden) return;
  state.unread += 1;
  tellHost({ tandem: 'unread', count: state.unread });
}

function markRead() {
  if (!state.open || document.hidden || !state.unread) return;
  state.unread = 0;
  tellHost({ tandem: 'unread', count: 0 });
}
document.addEventListener('visibilitychange', markRead);

function connect() {
  const url = new URL('/api/v1/widget/conversations/' + state.conversation + '/live', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', state.token);
  let delay = 500;
  const open = () => {
    const socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = () => (delay = 500);
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      typingFrame(frame);
      if (frame.type === 'message_created' && frame.message) addMessage(frame.message, true);
      else if (frame.type === 'message_updated' && frame.message) updateBubble($('messages'), frame.message, richText);
      else if (frame.type === 'status_changed' && frame.status) setStatus(frame.status);
      else if (frame.type === 'resync') reload();
    };
    socket.onclose = () => {
      if (state.socket !== socket) return; // ended on purpose
      setTimeout(() => {
        // A token that opens nothing any more (ended, revoked, expired, erased): start afresh.
        reload().then(open, (e) => (e.status === 401 || e.status === 403 ? startAfresh() : open()));
      }, delay);
      delay = Math.min(delay * 2, 15000);
    };
  };
  open();
}

async function reload() {
  await textsRead;
  const [list, conversation] = await Promise.all([call('GET', '/conversations/' + state.conversation + '/messages'), call('GET', '/conversations/' + state.conversation)]);
  for (const m of list.messages) addMessage(m);
  setStatus(conversation.status);
}

function showChat() {
  $('start-form').hidden = true;
  $('messages').hidden = false;
  $('chat-foot').hidden = false;
  greet();
  $('text').focus();
}

async function begin(name, email, signature) {
  await textsRead;
  const started = await call('POST', '/conversations', { name, email, identity_signature: signature || undefined, inbox_key: key });
  state.conversation = started.conversation_id;
  state.token = started.customer_token;
  localStorage.setItem(STORE, JSON.stringify({ conversation: state.conversation, token: state.token }));
  showChat();
  setStatus(started.status);
  connect();
}

function disableChoices() {
  for (const b of document.querySelectorAll('.choice')) b.disabled = true;
}

// Sends a written message, or the label of a clicked choice with its intent.
async function send(text, choice) {
  $('send-error').textContent = '';
  $('typing').hidden = state.status !== 'bot' || !text;
  try {
    const message = await call('POST', '/conversations/' + state.conversation + '/messages', { text, choice, attachment_ids: attach.ids() });
    attach.clear();
    addMessage(message);
  } catch (e) {
    $('typing').hidden = true;
    $('send-error').textContent = e.message;
    throw e;
  }
}

$('start-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('start-error').textContent = '';
  const name = $('start-name').value.trim();
  const email = $('start-email').value.trim();
  if (!name || !email) {
    $('start-error').textContent = t('start_missing');
    return;
  }
  try {
    await begin(name, email);
  } catch (e) {
    $('start-error').textContent = e.message;
  }
});

$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if ((!text && !attach.ids().length) || attach.busy()) return;
  $('text').value = '';
  await send(text).catch(() => ($('text').value = text));
});

$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('send-form').requestSubmit();
  }
});

// Asking for a person is a click, not words for the bot to read.
$('ask-person').addEventListener('click', () => send(t('person_request'), 'human').catch(() => {}));
$('close').addEventListener('click', () => parent.postMessage({ tandem: 'close' }, '*'));

// Shows the start form again, forgetting the conversation on this device.
function startAfresh() {
  localStorage.removeItem(STORE);
  forgetFeedback();
  forgetRatings();
  const socket = state.socket;
  state.conversation = state.token = state.socket = null;
  ratingStatus(null, null);
  if (socket) socket.close();
  state.seen.clear();
  state.personReplied = false;
  $('messages').replaceChildren();
  $('start-form').hidden = false;
  $('messages').hidden = true;
  $('chat-foot').hidden = true;
}

// On a shared computer: the token stops opening the conversation (the team still has it).
$('end-chat').addEventListener('click', async () => {
  await call('DELETE', '/conversations/' + state.conversation + '/token').catch(() => {});
  startAfresh();
});

// Photos and PDFs: a paperclip in the composer, thumbnails and file chips in the messages.
// The words for files, in the pack's language.
const FILE_TEXTS = {
  attach: t('attach'),
  remove: (name) => t('attach_remove', { name }),
  uploading: (name) => t('attach_uploading', { name }),
  image: (name) => t('attach_image', { name }),
  open: (name, size) => t('attach_open', { name, size }),
  failed: t('attach_failed'),
  unreachable: t('offline'),
  refused: t('attach_refused'),
};
const attached = files({ base: (a) => '/api/v1/widget/conversations/' + a.conversation_id + '/attachments/' + a.id, token: () => state.token, texts: FILE_TEXTS });
const attach = picker({ before: $('text'), texts: FILE_TEXTS, key: () => state.conversation, onError: (text) => ($('send-error').textContent = text),
  upload: (file) => uploadFile('/api/v1/widget/conversations/' + state.conversation + '/attachments', file, state.token, FILE_TEXTS) });
$('text').required = false;

// The loader passes a signed-in customer's identity after the frame loads (never in the URL).
// Only the page that embeds this frame, on a site the business allows, may hand it an identity.
const ORIGINS = (document.body.dataset.origins || '').split(/\s+/).filter(Boolean);
function trusted(event) {
  return event.source === window.parent && (ORIGINS.includes('*') || ORIGINS.includes(event.origin));
}

window.addEventListener('message', (event) => {
  const data = event.data;
  if (!trusted(event) || !data) return;
  // The host page says whether the chat is in view.
  if (data.tandem === 'open' || data.tandem === 'closed') {
    state.open = data.tandem === 'open';
    markRead();
    return;
  }
  if (data.tandem !== 'identity' || state.conversation) return;
  if (data.name && data.email) begin(data.name, data.email, data.signature).catch((e) => ($('start-error').textContent = e.message));
});

// What customers are told about their data (GET /api/v1/widget/privacy), and the pack's
// disclosure, which greets them (in the start form and as the bot's first words in the chat).
const textsRead = call('GET', '/privacy')
  .then((notice) => {
    $('privacy-text').textContent = notice.text;
    if (notice.bot_disclosure) {
      state.greeting = notice.bot_disclosure;
      $('start-intro').textContent = notice.bot_disclosure;
      if (!$('messages').hidden) greet();
    }
  })
  .catch(() => ($('privacy').hidden = true));

setupTyping(() => state.socket);
setupFeedback(STORE + '.rated', (messageId, helpful) =>
  call('POST', '/conversations/' + state.conversation + '/messages/' + messageId + '/feedback', { helpful }),
);
setupRating(STORE + '.csat', (conversation, score, comment) =>
  call('POST', '/conversations/' + conversation + '/rating', { score, comment: comment || undefined }),
);

const previous = saved();
if (previous && previous.conversation && previous.token) {
  state.conversation = previous.conversation;
  state.token = previous.token;
  showChat();
  reload()
    .then(connect)
    // The conversation is gone or the token no longer opens it (ended, revoked, expired).
    .catch(startAfresh);
}
// The loader on the business's page says the same things in the same language.
const LOADER_TEXTS = ['launcher_label', 'launcher_caption', 'launcher_close', 'frame_title', 'unread'];
parent.postMessage({ tandem: 'ready', texts: Object.fromEntries(LOADER_TEXTS.map((n) => [n, TEXTS[n] || ''])) }, '*');
