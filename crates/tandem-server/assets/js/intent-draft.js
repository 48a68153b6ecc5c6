// An intent drafted from an emerging topic (insights page), handed to the intents editor's
// new-intent form for a trainer to review, complete and save. The draft travels in this tab's
// session storage, not in the address: customers' words stay out of URLs, logs and history.

const KEY = 'tandem.intent_draft';

/** Where the intents editor opens with the draft in its new-intent form. */
export const DRAFT_PAGE = '/app/admin/intents?draft=topic';

/** Keeps `draft` ({name, description, examples}) for the intents editor; false if it could not. */
export function keepDraft(draft) {
  const examples = (Array.isArray(draft && draft.examples) ? draft.examples : []).filter((x) => typeof x === 'string' && x.trim());
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ name: String((draft && draft.name) || ''), description: String((draft && draft.description) || ''), examples }));
    return true;
  } catch {
    return false;
  }
}

function takeDraft() {
  try {
    const raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    const draft = JSON.parse(raw || 'null');
    return draft && typeof draft === 'object' ? draft : null;
  } catch {
    return null;
  }
}

/**
 * On the intents editor opened from "Draft an intent": fills the new-intent form with the draft
 * (name, description, examples one per line), opens it and says what is left to do. The trainer
 * saves it themselves; nothing is created here.
 */
export function fillDraft() {
  const params = new URLSearchParams(location.search);
  if (!params.has('draft')) return;
  params.delete('draft');
  history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash);
  const form = document.getElementById('new-intent-form');
  const draft = takeDraft();
  if (!form || !draft) return;
  const set = (id, value) => {
    const field = document.getElementById(id);
    if (field) field.value = value;
  };
  set('ni-name', String(draft.name || ''));
  set('ni-description', String(draft.description || ''));
  set('ni-examples', (Array.isArray(draft.examples) ? draft.examples : []).join('\n'));
  const details = form.closest('details');
  if (details) details.open = true;
  let note = document.getElementById('ni-draft-note');
  if (!note) {
    note = Object.assign(document.createElement('p'), { id: 'ni-draft-note', className: 'notice small' });
    note.setAttribute('role', 'status');
    form.prepend(note);
  }
  note.textContent =
    'Drafted from an emerging topic: check the name and description, remove examples that do not belong and add your own (an intent needs at least 10), then create it.';
  document.getElementById('ni-name')?.focus();
}
