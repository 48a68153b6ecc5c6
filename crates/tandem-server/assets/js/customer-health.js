// A customer's health, value and fitting offers (GET /customers/{id}/profile), drawn the same way
// in the inbox's customer panel and the insights page's list of customers at risk. Every field is
// optional: what is missing is left out, never shown as "undefined".
import { el, label } from './api.js';
import { objects } from './causes.js';

const RISK = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

/** The risk in words (colour only repeats it). */
export function riskBadge(risk) {
  if (!RISK[risk]) return null;
  return el('span', { class: 'badge risk risk-' + risk, text: RISK[risk] });
}

/** The health score 0..100 (100 healthy) as a meter with its number. */
export function healthScore(score) {
  if (typeof score !== 'number' || !Number.isFinite(score)) return null;
  const value = Math.max(0, Math.min(100, Math.round(score)));
  return el(
    'span',
    { class: 'health' },
    el('meter', { min: 0, max: 100, low: 40, high: 70, optimum: 100, value: String(value), 'aria-label': 'Health score ' + value + ' of 100' }),
    el('strong', { class: 'health-score', text: String(value) }),
  );
}

/** The reasons behind the health score, as a list (null when none). */
export function reasonList(reasons) {
  const items = (Array.isArray(reasons) ? reasons : []).filter((r) => typeof r === 'string' && r.trim());
  return items.length ? el('ul', { class: 'health-reasons' }, ...items.map((r) => el('li', { text: r }))) : null;
}

function money(amount, currency) {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  if (typeof currency === 'string' && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
    } catch {
      // An unknown currency code: the plain number below.
    }
  }
  return amount.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

function spendText(value) {
  const s = value.spend;
  if (typeof s === 'string') return s;
  if (typeof s === 'number') return money(s, value.currency);
  if (s && typeof s === 'object') return money(s.amount, s.currency);
  return null;
}

/** The customer's value to the business: orders, customer since, spend, and any other figure. */
export function valueList(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const rows = [];
  if (typeof value.orders === 'number') rows.push(['Orders', String(value.orders)]);
  if (typeof value.customer_since === 'string' && value.customer_since) rows.push(['Customer since', value.customer_since]);
  const spend = spendText(value);
  if (spend) rows.push(['Spend', spend]);
  const known = new Set(['orders', 'customer_since', 'spend', 'currency']);
  for (const [k, v] of Object.entries(value)) {
    if (known.has(k) || v === null || (typeof v !== 'string' && typeof v !== 'number')) continue;
    rows.push([label(k), String(v)]);
  }
  return rows.length ? el('dl', { class: 'value-list' }, ...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])) : null;
}

/** The offers that fit the customer, each with why. */
export function offerList(offers) {
  const items = objects(offers).filter((o) => typeof o.title === 'string' && o.title.trim());
  if (!items.length) return null;
  return el(
    'ul',
    { class: 'offers' },
    ...items.map((o) => el('li', { dataset: { offer: String(o.id || '') } }, el('strong', { text: o.title }), typeof o.why === 'string' && o.why ? el('span', { class: 'muted small', text: ' ' + o.why }) : null)),
  );
}
