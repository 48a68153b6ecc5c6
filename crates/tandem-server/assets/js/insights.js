// Insights: automation and handoffs at a glance, with server-rendered SVG charts; root causes by
// owner (insights-causes.js), emerging topics (insights-topics.js), customers at risk
// (insights-customers.js) and customer satisfaction (insights-csat.js).
import { api, attempt, clear, el, label, token } from './api.js';
import { can, staffShell } from './shell.js';
import { loadCauses } from './insights-causes.js';
import { loadTopics } from './insights-topics.js';
import { loadCustomers } from './insights-customers.js';
import { renderCsat } from './insights-csat.js';

let mayDraft = false; // whether the person may add intents (the intents editor's permission)

const $ = (id) => document.getElementById(id);

async function chart(holder, days) {
  const url = holder.dataset.src + '?days=' + days;
  const response = await fetch('/api/v1' + url.replace(/^\/api\/v1/, ''), { headers: { Authorization: 'Bearer ' + token() } });
  if (!response.ok) throw new Error('A chart could not be loaded (' + response.status + ').');
  const svg = new DOMParser().parseFromString(await response.text(), 'image/svg+xml').documentElement;
  if (svg.nodeName !== 'svg') throw new Error('A chart could not be read.');
  clear(holder).append(document.importNode(svg, true));
}

const percent = (x) => Math.round((x || 0) * 100) + '%';

function automation(a) {
  const body = clear($('automation-intents').querySelector('tbody'));
  for (const i of a.intents || []) {
    body.append(el('tr', {},
      el('td', { text: i.intent }),
      el('td', { text: String(i.conversations) }),
      el('td', { text: String(i.contained) }),
      el('td', { text: percent(i.containment) }),
      el('td', { text: String(i.false_automation) }),
      el('td', { text: percent(i.false_automation_rate) })));
  }
  if (!(a.intents || []).length) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'The bot resolved or answered nothing in this period.' })));
}

async function load() {
  const days = $('days').value;
  const [s, a] = await Promise.all([
    api('GET', '/insights/summary?days=' + days),
    api('GET', '/insights/automation?days=' + days),
  ]);
  const kpis = clear($('kpis'));
  const kpi = (name, value) => el('div', { class: 'kpi' }, el('span', { class: 'muted', text: name }), el('strong', { text: value }));
  const handoffs = Object.values(s.handoffs || {}).reduce((a, b) => a + b, 0);
  const open = (s.queues.by_status.queued || 0) + (s.queues.by_status.assigned || 0);
  kpis.append(
    kpi('Conversations', String(s.conversations)),
    kpi('Automation rate', percent(s.automation_rate)),
    kpi('Containment', percent(a.overall.containment)),
    kpi('False automation', percent(a.overall.false_automation_rate)),
    kpi('Handoffs to people', String(handoffs)),
    kpi('Open cases now', String(open)),
  );
  const body = clear($('reasons').querySelector('tbody'));
  const reasons = Object.entries(s.handoffs || {}).sort((a, b) => b[1] - a[1]);
  for (const [reason, n] of reasons) body.append(el('tr', {}, el('td', { text: label(reason) }), el('td', { text: String(n) })));
  if (!reasons.length) body.append(el('tr', {}, el('td', { colspan: 2, class: 'muted', text: 'No handoffs in this period.' })));
  automation(a);
  renderCsat(s.csat);
  // Each section reports its own failure in place: one that cannot load leaves the others.
  await Promise.all([
    ...[...document.querySelectorAll('.svg-holder')].map((h) => chart(h, days)),
    loadCauses(days),
    loadTopics(days, mayDraft),
    loadCustomers(days),
  ]);
}

staffShell()
  .then((me) => {
    mayDraft = can(me, 'manage_content');
    $('days').addEventListener('change', () => attempt(load));
    $('risk').addEventListener('change', () => attempt(() => loadCustomers($('days').value)));
    return attempt(load);
  })
  .catch(() => {});
