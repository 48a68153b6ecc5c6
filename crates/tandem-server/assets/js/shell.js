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
