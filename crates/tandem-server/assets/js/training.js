// The trainers' page: the review queue (training-queue.js), the model registry
// (training-models.js) and the article drafts (training-drafts.js) as tabs, with the automation
// figures on top.
import { api, attempt, clear, el, flash, label } from './api.js';
import { can, staffShell } from './shell.js';
import { setupQueue } from './training-queue.js';
import { pct, setupModels } from './training-models.js';
import { setupDrafts } from './training-drafts.js';

const $ = (id) => document.getElementById(id);

// --- tabs ---------------------------------------------------------------------------------------

const TABS = ['queue', 'models', 'drafts'];
let onTab = () => {};

function showTab(name, focus = false) {
  for (const t of TABS) {
    const tab = $('tab-' + t);
    const on = t === name;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $('panel-' + t).hidden = !on;
    if (on && focus) tab.focus();
  }
  history.replaceState(null, '', '#' + name);
  onTab(name);
}

const currentTab = () => TABS.find((t) => $('tab-' + t).getAttribute('aria-selected') === 'true');

function setupTabs() {
  for (const t of TABS) $('tab-' + t).addEventListener('click', () => showTab(t));
  // Arrow keys move between the tabs (the tab list is one stop for Tab).
  document.querySelector('[role=tablist]').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const shown = TABS.filter((t) => !$('tab-' + t).hidden);
    const at = shown.indexOf(currentTab());
    const next = shown[(at + (e.key === 'ArrowRight' ? 1 : shown.length - 1)) % shown.length];
    e.preventDefault();
    showTab(next, true);
  });
}

// --- automation figures ---------------------------------------------------------------------------

/** The headline figures of GET /insights/automation: every number of its `overall`. */
async function automation() {
  const figures = await api('GET', '/insights/automation').catch(() => null);
  const overall = figures && figures.overall;
  if (!overall || typeof overall !== 'object') return;
  const box = clear($('automation'));
  const share = (name, v) => /rate|containment|share|automation/.test(name) && v >= 0 && v <= 1;
  for (const [name, value] of Object.entries(overall)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    box.append(el('div', { class: 'kpi', dataset: { figure: name } }, el('span', { class: 'muted', text: label(name) }), el('strong', { text: share(name, value) ? pct(value) : String(Math.round(value * 100) / 100) })));
  }
  box.hidden = !box.children.length;
}

// --- start ------------------------------------------------------------------------------------------

async function start() {
  const me = await staffShell();
  if (!can(me, 'manage_models')) return;
  const [content, staff] = await Promise.all([api('GET', '/content'), api('GET', '/users').catch(() => ({ users: [] }))]);
  // Models and reviews name staff by id (or e-mail): shown by name.
  const people = staff.users || [];
  const staffName = (who) => (who ? people.find((u) => u.id === who || u.email === who)?.name || who : null);
  // Trainers know intents by name ("Track order"), not by the words the bot offers them with.
  const intents = content.intents.map((i) => ({ name: i.name, label: label(i.name) }));
  setupTabs();
  const queue = setupQueue({ intents, staffName });
  const models = setupModels({ me, staffName });
  const drafts = setupDrafts();
  onTab = (name) => {
    queue.active(name === 'queue');
    // A tab loads when first shown and again each time it is shown (others may have changed it).
    const load = { queue: queue.load, models: models.load, drafts: drafts.load }[name];
    if (load) attempt(load);
  };
  window.addEventListener('hashchange', () => {
    const name = location.hash.slice(1);
    if (TABS.includes(name) && !$('tab-' + name).hidden && name !== currentTab()) showTab(name);
  });
  const wanted = location.hash.slice(1);
  showTab(TABS.includes(wanted) && !$('tab-' + wanted).hidden ? wanted : 'queue');
  if (wanted !== 'drafts') attempt(drafts.count);
  automation();
}

start().catch((e) => flash(e.message || String(e), 'error'));
