import { api, setToken } from './api.js';

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const email = document.getElementById('email').value.trim();
  const password = document.getElementById('password').value;
  if (!email || !password) {
    error.textContent = 'Enter your e-mail address and password.';
    return;
  }
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const { token } = await api('POST', '/auth/login', { email, password }, { auth: false });
    setToken(token);
    const next = new URLSearchParams(location.search).get('next');
    // Only ever go back to a page of this site.
    location.assign(next && next.startsWith('/app/') ? next : '/app/inbox');
  } catch (e) {
    error.textContent = e.status === 401 ? 'That e-mail address and password do not match.' : e.message;
    button.disabled = false;
  }
});
