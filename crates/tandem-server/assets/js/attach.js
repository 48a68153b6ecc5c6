// Files in conversations (images and PDFs), for both the customer's chat window and the inbox:
// a paperclip button with a file picker, a chip per chosen file (with its name, size and a remove
// button) while the message is written, and the files of each message: images as thumbnails (made
// by the server: small, re-encoded, without the photo's metadata) that open the full image, PDFs as
// a chip with name and size that opens the document in a new tab. Files are fetched with the
// Authorization header and shown through blob: URLs, so no token is ever put in a URL.
// The server decides what is accepted (by the file's content) and says why when it refuses.

/** Every text the customer's chat window shows for files: in one place. */
/** The inbox's texts for files (the widget's come from the pack: widget-frame.js). */
export const STAFF_TEXTS = {
  attach: 'Attach a file (image or PDF)',
  remove: (name) => 'Remove ' + name,
  uploading: (name) => 'Uploading ' + name + '…',
  image: (name) => 'Photo: ' + name,
  open: (name, size) => 'Open ' + name + ' (' + size + ') in a new tab',
  failed: 'The file could not be opened. Please try again.',
  unreachable: 'Tandem could not be reached. Check the connection and try again.',
  refused: 'The file could not be uploaded.',
};

/** 1.2 MB, 340 KB, 900 bytes. */
export function size(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  if (bytes >= 1024) return Math.round(bytes / 1024) + ' KB';
  return bytes + ' bytes';
}

/** A paperclip, drawn (no icon font or emoji needed). */
function clipIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * A way to the files of one audience: `base(attachment)` is the path of a file
 * (`/api/v1/.../attachments/ID`), `token()` the bearer token.
 */
export function files({ base, token, texts }) {
  const blobs = new Map(); // path -> Promise<blob: URL>
  const fetchBlob = (path) => {
    if (!blobs.has(path)) {
      const got = fetch(path, { headers: { Authorization: 'Bearer ' + token() } }).then((r) => {
        if (!r.ok) throw new Error(texts.failed);
        return r.blob();
      }).then((b) => URL.createObjectURL(b));
      got.catch(() => blobs.delete(path));
      blobs.set(path, got);
    }
    return blobs.get(path);
  };
  /** Opens the file in a new tab (a blob: URL: the page's own, no token in it). */
  const open = (a) => (event) => {
    event.preventDefault();
    fetchBlob(base(a)).then((url) => window.open(url, '_blank', 'noopener'), () => {});
  };
  /** The files of message `m`, or `null` when it has none. */
  const render = (m) => {
    if (!m.attachments || !m.attachments.length) return null;
    const list = node('div', 'files');
    for (const a of m.attachments) {
      const label = texts.open(a.filename, size(a.size));
      if (a.thumbnail) {
        const link = node('a', 'file-thumb');
        link.href = '#';
        link.title = label;
        link.dataset.attachment = a.id;
        const img = node('img');
        img.alt = texts.image(a.filename);
        fetchBlob(base(a) + '/thumbnail').then((url) => (img.src = url), () => link.classList.add('file-broken'));
        link.append(img);
        link.addEventListener('click', open(a));
        list.append(link);
      } else {
        const chip = node('a', 'file-chip');
        chip.href = '#';
        chip.title = label;
        chip.dataset.attachment = a.id;
        chip.append(node('span', 'file-icon', a.content_type === 'application/pdf' ? 'PDF' : 'FILE'), node('span', 'file-name', a.filename), node('span', 'file-size', size(a.size)));
        chip.addEventListener('click', open(a));
        list.append(chip);
      }
    }
    return list;
  };
  return { render };
}

/**
 * The paperclip of a composer: a button before `before` that opens a file picker; each chosen file
 * is uploaded at once (`upload(file, key)` resolves to the stored attachment) and shown as a chip with a
 * remove button until the message is sent. `ids()` are the uploads to send, `clear()` forgets them,
 * `onError(text)` reports a refused file. `key()` names whose draft it is (the conversation), so a
 * file chosen for one conversation is never sent with another's message.
 */
export function picker({ before, upload, texts, onError, key = () => '' }) {
  const pending = new Map(); // key -> [{ id, filename, size }]
  const input = node('input', 'visually-hidden file-input');
  input.type = 'file';
  input.multiple = true;
  input.accept = 'image/png,image/jpeg,image/gif,image/webp,application/pdf';
  input.tabIndex = -1;
  input.setAttribute('aria-label', texts.attach);
  const button = node('button', 'attach-button');
  button.type = 'button';
  button.append(clipIcon());
  button.setAttribute('aria-label', texts.attach);
  button.title = texts.attach;
  button.addEventListener('click', () => input.click());
  const chips = node('ul', 'file-chips');
  chips.setAttribute('aria-label', texts.attach);
  before.before(input, button);
  before.parentElement.after(chips);

  const list = () => pending.get(key()) || [];
  const show = () => {
    chips.replaceChildren();
    for (const f of list()) {
      const item = node('li', 'file-chip pending');
      item.dataset.attachment = f.id || '';
      item.append(node('span', 'file-name', f.filename), node('span', 'file-size', f.id ? size(f.size) : texts.uploading(f.filename)));
      if (f.id) {
        const remove = node('button', 'file-remove', '✕');
        remove.type = 'button';
        remove.setAttribute('aria-label', texts.remove(f.filename));
        remove.addEventListener('click', () => {
          pending.set(key(), list().filter((x) => x !== f));
          show();
          button.focus();
        });
        item.append(remove);
      }
      chips.append(item);
    }
    chips.hidden = !list().length;
  };
  input.addEventListener('change', async () => {
    const chosen = [...input.files];
    input.value = '';
    const owner = key();
    for (const file of chosen) {
      const entry = { id: null, filename: file.name, size: file.size };
      pending.set(owner, [...(pending.get(owner) || []), entry]);
      show();
      try {
        const stored = await upload(file, owner);
        Object.assign(entry, { id: stored.id, filename: stored.filename, size: stored.size });
      } catch (e) {
        pending.set(owner, (pending.get(owner) || []).filter((x) => x !== entry));
        onError((e && e.message) || texts.refused);
      }
      show();
    }
  });
  show();
  return {
    ids: () => list().filter((f) => f.id).map((f) => f.id),
    busy: () => list().some((f) => !f.id),
    clear: (k = key()) => {
      pending.delete(k);
      show();
    },
    show,
  };
}

/** Uploads a file's raw bytes to `path` (`?filename=` names it); resolves to the attachment. */
export async function uploadFile(path, file, token, texts) {
  let response;
  try {
    response = await fetch(path + '?filename=' + encodeURIComponent(file.name), {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
    });
  } catch {
    throw new Error(texts.unreachable);
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw new Error((payload && payload.error && payload.error.message) || texts.refused);
  return payload;
}
