// How the chat shows a reply that its agent edited or deleted after sending it: an "Edited" mark,
// or "This message was deleted" in place of its words, on reload and live (`message_updated`).
// The words are the pack's (widget/<lang>.toml: message_deleted, message_edited).

import { t } from './widget-texts.js';

/** Marks bubble `item` of message `m` as edited, or shows that the message was deleted. */
export function showEdits(item, m) {
  item.dataset.id = m.id;
  item.querySelector('.msg-edited')?.remove();
  if (m.deleted_at) {
    item.classList.add('msg-deleted');
    const text = item.querySelector('.msg-text');
    if (text) text.textContent = t('message_deleted');
    for (const extra of item.querySelectorAll('.sources, .choices, .files')) extra.remove();
    return;
  }
  if (m.edited_at) {
    const mark = document.createElement('span');
    mark.className = 'msg-edited';
    mark.textContent = t('message_edited');
    (item.querySelector('.msg-head') || item).append(mark);
  }
}

/**
 * Applies a changed message to its bubble in `list`; `render(text)` builds the text's nodes (links
 * clickable, never HTML). Returns whether the bubble was there.
 */
export function updateBubble(list, m, render) {
  const item = [...list.children].find((li) => li.dataset.id === m.id);
  if (!item) return false;
  const text = item.querySelector('.msg-text');
  if (text && !m.deleted_at) text.replaceChildren(render(m.text));
  showEdits(item, m);
  return true;
}
