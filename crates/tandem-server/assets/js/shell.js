// The staff pages' frame: who is logged in, availability, log out, and the role-specific menu.
import { api, attempt, setToken, token } from './api.js';

export async function staffShell() {
  if (!token()) {
    location.assign('/app/login?next=' + encodeURIComponent(location.pathname + location.search));
    return new Promise(() => {});
  }
  const me = await api('GET', '/auth/me');
  const name = document.getElementById('me-name');
  name.textContent = me.name;
  name.append(Object.assign(document.createElement('span'), { className: 'me-role', textContent: ' · ' + me.role }));
  for (const item of document.querySelectorAll('[data-roles]')) {
    item.hidden = !item.dataset.roles.split(',').includes(me.role);
  }
  restrict(me);
  const availability = document.getElementById('availability');
  availability.checked = me.available !== false;
  availability.addEventListener('change', () =>
    attempt(
      () => api('PUT', '/auth/me/availability', { available: availability.checked }),
      availability.checked ? 'You are available for new cases.' : 'No new cases will be routed to you.',
    ),
  );
  document.getElementById('logout').addEventListener('click', async () => {
    await api('POST', '/auth/logout').catch(() => {});
    setToken(null);
    location.assign('/app/login');
  });
  return me;
}

/** Whether the logged-in staff member's role has the permission (named as /auth/me says). */
export function can(me, permission) {
  return Boolean(me && me.permissions && me.permissions.includes(permission));
}

/**
 * Shows only what the staff member can use (the server refuses the rest anyway): an element with
 * data-needs="PERMISSION" is hidden without it, a form with data-needs-edit="PERMISSION" is shown
 * read-only (its fields cannot be changed, its buttons are gone), and data-lacks="PERMISSION"
 * (a note saying who can change it) is shown only without it.
 */
export function restrict(me, root = document) {
  for (const e of root.querySelectorAll('[data-needs]')) e.hidden = !can(me, e.dataset.needs);
  for (const e of root.querySelectorAll('[data-lacks]')) e.hidden = can(me, e.dataset.lacks);
  for (const form of root.querySelectorAll('[data-needs-edit]')) {
    if (can(me, form.dataset.needsEdit)) continue;
    form.classList.add('read-only');
    for (const c of form.querySelectorAll('input, textarea')) c.readOnly = true;
    for (const c of form.querySelectorAll('select, input[type=checkbox]')) c.disabled = true;
    for (const b of form.querySelectorAll('button')) b.hidden = true;
  }
}
