// Snoozing the open case until a time: presets (in an hour, tomorrow at 9:00) or a chosen time;
// a snoozed case says until when, and can be woken now. The server checks the time.
import { api, attempt, when } from './api.js';

const $ = (id) => document.getElementById(id);

/** The presets' times, from `now`: in one hour; tomorrow at 9:00 local time. */
export function presetTime(preset, now = new Date()) {
  if (preset === 'hour') return new Date(now.getTime() + 3600 * 1000);
  const t = new Date(now);
  t.setDate(t.getDate() + 1);
  t.setHours(9, 0, 0, 0);
  return t;
}

/** Wires the snooze controls; `current()` is the open conversation, `changed(c)` gets the result. */
export function setupSnooze(current, changed) {
  const send = async (until) => {
    const c = current();
    if (!c) return;
    const updated = await attempt(() => api('POST', '/conversations/' + c.id + '/snooze', { until: until.toISOString() }), 'Snoozed until ' + when(until.toISOString()) + '.');
    $('snooze-menu').open = false;
    if (updated) changed(updated);
  };
  for (const b of document.querySelectorAll('[data-snooze]')) b.addEventListener('click', () => send(presetTime(b.dataset.snooze)));
  $('snooze-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = new Date($('snooze-until').value);
    if (!Number.isNaN(chosen.getTime())) send(chosen);
  });
  $('unsnooze').addEventListener('click', async () => {
    const c = current();
    if (!c) return;
    const updated = await attempt(() => api('DELETE', '/conversations/' + c.id + '/snooze'), 'The case is awake.');
    if (updated) changed(updated);
  });
}

/** Whether `c` is snoozed now. */
export function isSnoozed(c) {
  return Boolean(c.snoozed_until) && new Date(c.snoozed_until) > new Date();
}

/** Shows the controls for conversation `c`: snooze an open case, or wake a snoozed one. */
export function renderSnooze(c) {
  const open = c.status === 'queued' || c.status === 'assigned';
  const snoozed = isSnoozed(c);
  $('snooze-menu').hidden = !open || snoozed;
  $('unsnooze').hidden = !snoozed;
  $('snooze-state').hidden = !snoozed;
  $('snooze-state').textContent = snoozed ? 'Snoozed until ' + when(c.snoozed_until) : '';
}
