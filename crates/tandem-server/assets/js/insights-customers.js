// Insights: the customers at risk (GET /insights/customers), lowest health first, each with why,
// what they are worth to the business and the offers that fit them, so someone can reach out
// before they leave. The section stays hidden on a server without customer health.
import { api, clear, el } from './api.js';
import { count, objects } from './causes.js';
import { healthScore, offerList, reasonList, riskBadge, valueList } from './customer-health.js';

const $ = (id) => document.getElementById(id);

async function atRisk(days, risk) {
  const report = await api('GET', '/insights/customers?days=' + encodeURIComponent(days) + '&risk=' + encodeURIComponent(risk));
  return objects(report && report.customers);
}

const scoreOf = (entry) => (entry.health && typeof entry.health.score === 'number' ? entry.health.score : 101);

function row(entry) {
  const customer = entry.customer && typeof entry.customer === 'object' ? entry.customer : {};
  const health = entry.health && typeof entry.health === 'object' ? entry.health : {};
  const name = typeof customer.name === 'string' && customer.name ? customer.name : customer.email || 'Unknown customer';
  return el(
    'tr',
    { dataset: { customer: String(customer.id || '') } },
    el('th', { scope: 'row' }, el('span', { text: name }), typeof customer.email === 'string' && customer.email !== name ? el('span', { class: 'muted small block', text: customer.email }) : null),
    el('td', {}, healthScore(health.score) || '—', ' ', riskBadge(health.risk)),
    el('td', {}, reasonList(health.reasons) || el('span', { class: 'muted', text: '—' })),
    el('td', {}, valueList(entry.value) || el('span', { class: 'muted', text: '—' })),
    el('td', { text: count(entry.conversations) }),
    el('td', {}, offerList(entry.offers) || el('span', { class: 'muted', text: '—' })),
  );
}

/** Loads the customers at the chosen risk ("high", "medium" or both) for the window. */
export async function loadCustomers(days) {
  const section = $('customers-section');
  if (!section) return;
  const wanted = $('risk').value === 'both' ? ['high', 'medium'] : [$('risk').value];
  let entries;
  try {
    entries = (await Promise.all(wanted.map((r) => atRisk(days, r)))).flat();
  } catch (e) {
    // No customer health on this server (404): the section is not shown at all.
    section.hidden = e.status === 404;
    clear($('customers-body')).append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'The customers could not be loaded: ' + (e.message || e) })));
    return;
  }
  section.hidden = false;
  entries.sort((a, b) => scoreOf(a) - scoreOf(b));
  const body = clear($('customers-body'));
  for (const entry of entries) body.append(row(entry));
  if (!entries.length) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No customer at this risk in this period.' })));
}
