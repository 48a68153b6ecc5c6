// A staff page with nothing but the frame (the "page not found" page): who is logged in, log out.
import { flash } from './api.js';
import { staffShell } from './shell.js';

staffShell().catch((e) => flash(e.message || String(e), 'error'));
