// Typing in the customer's chat window, both ways: while the customer types, the agents are told
// (a small frame over the live socket, at most every few seconds); when an agent types a reply
// (never an internal note), the customer sees "<name> is typing…", named as replies are signed.
// It goes ~6 s after the last sign of typing, or when the agent's message arrives.

import { t } from './widget-texts.js';

const TYPING_EVERY = 3000;
const TYPING_EXPIRES = 6000;

let line = null;
let timer = null;

/** `socket()` gives the chat's live socket (or null). */
export function setupTyping(socket) {
  line = document.createElement('p');
  line.id = 'agent-typing';
  line.className = 'typing';
  line.hidden = true;
  line.setAttribute('aria-live', 'polite');
  document.getElementById('typing').after(line);
  let last = 0;
  document.getElementById('text').addEventListener('input', (event) => {
    const now = Date.now();
    const open = socket();
    if (!event.target.value.trim() || now - last < TYPING_EVERY || !open || open.readyState !== WebSocket.OPEN) return;
    last = now;
    open.send(JSON.stringify({ type: 'typing' }));
  });
}

function hide() {
  clearTimeout(timer);
  if (line) line.hidden = true;
}

/** Shows an agent's typing from a live frame, and hides it when their message lands. */
export function typingFrame(frame) {
  if (!line) return;
  if (frame.type === 'typing' && frame.author === 'agent') {
    line.textContent = frame.name ? t('agent_typing', { name: frame.name }) : t('team_typing');
    line.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(hide, TYPING_EXPIRES);
  } else if (frame.type === 'message_created' && frame.message && frame.message.author === 'agent') {
    hide();
  }
}
