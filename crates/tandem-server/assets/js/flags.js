// Flagging a bot message from the inbox: a small "Flag" button under every message of the bot
// opens a form (what is wrong with it, and a comment) that puts the message in the trainers'
// review queue (POST /messages/{id}/flags).
import { api, attempt, el } from './api.js';

const REASONS = [
  ['incorrect', 'Incorrect'],
  ['incomplete', 'Incomplete'],
  ['outdated', 'Outdated'],
  ['inappropriate', 'Inappropriate'],
  ['other', 'Other'],
];

const flagged = new Set(); // message ids flagged from this page

/** Adds the Flag button to `li` when `m` is a message of the bot; returns `li`. */
export function withFlag(li, m) {
  if (m.author !== 'bot' || m.deleted_at || li.querySelector('.msg-flag')) return li;
  const box = el('div', { class: 'msg-flag' });
  const button = el('button', { type: 'button', class: 'link flag-button', 'aria-label': 'Flag this bot message for the trainers', text: flagged.has(m.id) ? 'Flagged' : 'Flag', disabled: flagged.has(m.id) });
  button.addEventListener('click', () => openForm(box, button, m));
  box.append(button);
  li.append(box);
  return li;
}

function openForm(box, button, m) {
  if (box.querySelector('form')) return;
  const id = 'flag-' + m.id;
  const reason = el('select', { id: id + '-reason', required: true }, ...REASONS.map(([value, text]) => el('option', { value, text })));
  const comment = el('textarea', { id: id + '-comment', rows: 2, maxlength: 1000, placeholder: 'What should it have said?' });
  const close = () => {
    form.remove();
    button.hidden = false;
    button.focus();
  };
  const form = el(
    'form',
    {
      class: 'flag-form',
      'aria-label': 'Flag this bot message',
      onsubmit: async (e) => {
        e.preventDefault();
        const send = form.querySelector('button[type=submit]');
        send.disabled = true;
        const done = await attempt(
          () => api('POST', '/messages/' + encodeURIComponent(m.id) + '/flags', { reason: reason.value, comment: comment.value.trim() }).then(() => true),
          'Flagged: the message is in the trainers\u2019 review queue.',
        );
        send.disabled = false;
        if (!done) return;
        flagged.add(m.id);
        button.textContent = 'Flagged';
        button.disabled = true;
        close();
      },
    },
    el('label', { for: reason.id, text: 'What is wrong with it' }),
    reason,
    el('label', { for: comment.id, text: 'Comment (optional)' }),
    comment,
    el('div', { class: 'flag-buttons' }, el('button', { type: 'submit', class: 'primary', text: 'Send flag' }), el('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: close })),
  );
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  button.hidden = true;
  box.append(form);
  reason.focus();
}
