// Two panels of the inbox's conversation view: the root cause (the bot's suggestion with its
// confidence and the customer's words behind it, the cause a person confirmed, and confirming or
// changing it in one click: PUT /conversations/{id}/root-cause) and the customer's health, value
// and fitting offers (the detail's `customer_profile`, hidden when the server sends none).
import { api, clear, el, flash, relative, when } from './api.js';
import { CAUSES, causeName, objects } from './causes.js';
import { healthScore, offerList, reasonList, riskBadge, valueList } from './customer-health.js';

const $ = (id) => document.getElementById(id);

/** Whether a tag change (PATCH add_tags / remove_tags) confirms or clears a root cause. */
export const touchesRootCause = (change) =>
  [...((change && change.add_tags) || []), ...((change && change.remove_tags) || [])].some((t) => typeof t === 'string' && t.startsWith('root:'));

/** The customer's words behind the suggestion, quoted and highlighted, each with why it counts. */
function evidenceList(evidence) {
  const items = objects(evidence).filter((e) => typeof e.text === 'string' && e.text.trim());
  if (!items.length) return null;
  return el(
    'ul',
    { class: 'rc-evidence', 'aria-label': 'The customer\u2019s words behind the suggestion' },
    ...items.map((e) => el('li', {}, el('q', {}, el('mark', { text: e.text })), typeof e.why === 'string' && e.why ? el('span', { class: 'muted small', text: ' ' + e.why }) : null)),
  );
}

async function setCause(c, cause, box, changed) {
  for (const b of box.querySelectorAll('button, select')) b.disabled = true;
  const error = box.querySelector('.rc-error');
  error.textContent = '';
  try {
    await api('PUT', '/conversations/' + encodeURIComponent(c.id) + '/root-cause', { cause });
  } catch (e) {
    for (const b of box.querySelectorAll('button, select')) b.disabled = false;
    error.textContent = e.message || String(e);
    return;
  }
  flash('Root cause set: ' + causeName(cause) + '.', 'ok');
  // The detail again: the confirmed cause and the conversation's root:* tag both changed.
  await changed();
}

/** The root-cause panel of conversation `c`; `users` names staff, `changed` reloads the detail. */
function renderRootCause(c, { users, changed }) {
  const box = $('root-cause');
  if (!box) return;
  clear(box);
  const rc = c.root_cause && typeof c.root_cause === 'object' ? c.root_cause : {};
  const suggested = CAUSES.includes(rc.suggested) ? rc.suggested : null;
  const confirmed = CAUSES.includes(rc.confirmed) ? rc.confirmed : null;
  if (suggested) {
    const sure = typeof rc.confidence === 'number' ? Math.round(rc.confidence * 100) + '% sure' : '';
    box.append(el('p', { class: 'rc-suggested' }, 'Suggested: ', el('strong', { text: causeName(suggested) }), ' ', el('span', { class: 'muted', text: sure })), evidenceList(rc.evidence));
  } else {
    box.append(el('p', { class: 'rc-suggested muted', text: 'No suggestion' }));
  }
  if (confirmed) {
    const who = rc.confirmed_by ? (users && users.get(rc.confirmed_by)?.name) || 'staff' : null;
    box.append(
      el('p', { class: 'rc-confirmed' }, 'Confirmed: ', el('strong', { text: causeName(confirmed) }), who ? ' by ' + who : '', rc.confirmed_at ? el('time', { class: 'muted small', datetime: rc.confirmed_at, title: when(rc.confirmed_at), text: ' ' + relative(rc.confirmed_at) }) : null),
    );
  } else {
    box.append(el('p', { class: 'rc-confirmed muted', text: 'Not confirmed yet.' }));
  }
  const pick = el('select', { id: 'rc-pick' }, ...CAUSES.map((x) => el('option', { value: x, text: causeName(x), selected: x === (confirmed || suggested) })));
  box.append(
    el(
      'div',
      { class: 'rc-actions' },
      suggested && suggested !== confirmed
        ? el('button', { type: 'button', class: 'primary rc-confirm', onclick: () => setCause(c, suggested, box, changed), text: 'Confirm ' + causeName(suggested) })
        : null,
      el('label', { for: 'rc-pick', class: 'visually-hidden', text: 'Root cause' }),
      pick,
      el('button', { type: 'button', class: 'secondary rc-set', onclick: () => setCause(c, pick.value, box, changed), text: confirmed ? 'Change' : 'Set cause' }),
    ),
    el('p', { class: 'rc-error error', role: 'alert' }),
  );
}

/** The customer panel from the detail's `customer_profile`; hidden without one. */
function renderCustomerHealth(c) {
  const card = $('customer-health-card');
  const box = $('customer-health');
  if (!card || !box) return;
  const p = c.customer_profile && typeof c.customer_profile === 'object' ? c.customer_profile : null;
  clear(box);
  card.hidden = !p;
  if (!p) return;
  const health = p.health && typeof p.health === 'object' ? p.health : {};
  const score = healthScore(health.score);
  const badge = riskBadge(health.risk);
  if (score || badge) box.append(el('p', { class: 'health-line' }, score, ' ', badge));
  box.append(reasonList(health.reasons) || '');
  const value = valueList(p.value);
  if (value) box.append(el('h4', { class: 'small', text: 'Value' }), value);
  const offers = offerList(p.offers);
  if (offers) box.append(el('h4', { class: 'small', text: 'Offers that fit' }), offers);
  if (!box.childElementCount) card.hidden = true;
}

/** Both panels for conversation `c`. */
export function renderInsight(c, hooks) {
  renderRootCause(c, hooks);
  renderCustomerHealth(c);
}
