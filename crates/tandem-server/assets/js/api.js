// Talking to Tandem's /api/v1 from staff pages: the bearer token, JSON calls with clear errors,
// the live WebSocket with reconnection, and a small safe DOM builder (text is never parsed as HTML).

const TOKEN_KEY = 'tandem.staff_token';

export const token = () => localStorage.getItem(TOKEN_KEY);
export const setToken = (t) => (t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY));

export class ApiError extends Error {
  /** `details`: the whole error object of the answer (some carry more, e.g. `reasons`). */
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function toLogin() {
  const back = location.pathname + location.search;
  location.assign('/app/login?next=' + encodeURIComponent(back));
}

// The content revision last read (the `ETag` of /content answers). Edits send it back as
// `If-Match`, so an edit made on content someone else has changed since is refused (409
// stale_content) instead of overwriting their change.
let contentRevision = null;

/** Calls the API; resolves to the parsed JSON (or text for non-JSON), rejects with ApiError. */
export async function api(method, path, body, { auth = true, raw = false } = {}) {
  const headers = {};
  if (auth) {
    const t = token();
    if (!t) {
      toLogin();
      throw new ApiError(401, 'unauthenticated', 'Please log in.');
    }
    headers.Authorization = 'Bearer ' + t;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const content = path === '/content' || path.startsWith('/content/');
  if (content && method !== 'GET' && contentRevision) headers['If-Match'] = contentRevision;
  let response;
  try {
    response = await fetch('/api/v1' + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'Tandem could not be reached. Check the connection and try again.');
  }
  if (response.status === 401 && auth) {
    setToken(null);
    toLogin();
    throw new ApiError(401, 'unauthenticated', 'Your session has ended. Please log in again.');
  }
  if (content && response.ok && response.headers.get('etag')) contentRevision = response.headers.get('etag');
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') || '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const err = payload && payload.error ? payload.error : { code: 'http_' + response.status, message: response.statusText };
    throw new ApiError(response.status, err.code, err.message, err);
  }
  return raw ? response : payload;
}

/** Builds an element: el('li', {class: 'x', onclick: f, dataset: {id}}, 'text', child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

let flashTimer;
/**
 * A short message in a toast at the bottom of the page (never over a heading). It goes away by
 * itself, text and all (an error stays longer), or with its close button.
 */
export function flash(message, kind = 'info') {
  const box = document.getElementById('flash');
  if (!box) return;
  const close = Object.assign(document.createElement('button'), { type: 'button', className: 'flash-close', textContent: '\u00d7' });
  close.setAttribute('aria-label', 'Dismiss');
  close.addEventListener('click', hideFlash);
  box.replaceChildren(Object.assign(document.createElement('span'), { textContent: message }), close);
  box.className = 'flash show ' + kind;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(hideFlash, kind === 'error' ? 8000 : 3500);
}

function hideFlash() {
  const box = document.getElementById('flash');
  if (!box) return;
  clearTimeout(flashTimer);
  box.className = 'flash';
  box.replaceChildren();
}

/** Runs an action and reports its failure in the flash line instead of throwing. */
export async function attempt(action, success) {
  try {
    const result = await action();
    if (success) flash(success, 'ok');
    return result;
  } catch (e) {
    if (e.status !== 401) flash(e.message || String(e), 'error');
    return undefined;
  }
}

/**
 * Opens a live WebSocket at `path` (under /api/v1) and keeps it open: reconnects with backoff,
 * and calls onEvent(frame) for each JSON frame, onState('live'|'reconnecting') on changes.
 * Every event frame carries its `seq`; a reconnect asks the server to replay what came after the
 * last one seen (`?after=SEQ`), and the page reloads only when it had not seen any yet.
 */
export function live(path, onEvent, onState = () => {}, tokenValue = token()) {
  let delay = 500;
  let closed = false;
  let socket;
  let lastSeq = null;
  const connect = () => {
    const url = new URL('/api/v1' + path, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', tokenValue);
    if (lastSeq !== null) url.searchParams.set('after', String(lastSeq));
    socket = new WebSocket(url);
    socket.onopen = () => {
      delay = 500;
      onState('live');
    };
    socket.onmessage = (m) => {
      try {
        const frame = JSON.parse(m.data);
        if (Number.isInteger(frame.seq)) lastSeq = Math.max(lastSeq ?? 0, frame.seq);
        onEvent(frame);
      } catch (e) {
        console.error('live frame', e);
      }
    };
    socket.onclose = () => {
      if (closed) return;
      onState('reconnecting');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
      // Without a seq to replay from, the page must reload what it missed.
      if (lastSeq === null) onEvent({ type: 'resync' });
    };
  };
  connect();
  return {
    close: () => { closed = true; socket && socket.close(); },
    /** Sends a small JSON frame (presence, typing) when the socket is open; dropped otherwise. */
    send: (frame) => socket && socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(frame)),
  };
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** "3 minutes ago", "in 2 hours". */
export function relative(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds < 0 ? 'just now' : 'in a moment';
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) {
    if (abs >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds), 'second');
}

export const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const label = (snake) => (snake || '').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
