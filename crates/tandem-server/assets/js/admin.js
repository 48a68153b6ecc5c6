// Admin and trainer pages: intents and their examples, articles, templates and canned replies,
// connectors (with a test against the real data), bot texts, users and teams, the widget snippet.
import { api, attempt, clear, el, flash, label } from './api.js';
import { can, restrict, staffShell } from './shell.js';
import { fillDraft } from './intent-draft.js';

const $ = (id) => document.getElementById(id);
const page = document.querySelector('[data-page]').dataset.page;
const csv = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

/** A list of buttons; the current one is marked. */
function pickList(list, items, name, current, onPick, extra = () => null) {
  clear(list);
  for (const item of items) {
    list.append(el('li', {}, el('button', { type: 'button', 'aria-current': name(item) === current ? 'true' : 'false', onclick: () => onPick(item) }, el('span', { text: name(item) }), extra(item))));
  }
}

// --- intents --------------------------------------------------------------------------------------

/** How the bot did on an intent over the last 30 days (docs/insights.md). */
function automationOf(report, name) {
  const figures = report && report.intents.find((i) => i.intent === name);
  if (!report) return '';
  if (!figures) return 'Last 30 days: the bot resolved or answered no conversation under this intent.';
  const percent = (x) => Math.round(x * 100) + '%';
  return 'Last 30 days: ' + figures.conversations + ' conversations the bot resolved or answered, containment ' + percent(figures.containment) + ', false automation ' + percent(figures.false_automation_rate) + '.';
}

async function intents(me) {
  let content = await api('GET', '/content');
  const automation = await api('GET', '/insights/automation?days=30').catch(() => null);
  let current = null;
  const renderList = () => {
    const filter = $('intent-filter').value.trim().toLowerCase();
    const shown = content.intents.filter((i) => !filter || i.name.includes(filter) || i.description.toLowerCase().includes(filter));
    pickList($('intent-list'), shown, (i) => i.name, current && current.name, show, (i) => el('span', { class: 'muted small', text: label(i.kind) + ' · ' + i.examples.length }));
  };
  const show = (intent) => {
    current = intent;
    $('intent-detail').hidden = false;
    $('intent-name').textContent = intent.name;
    $('intent-description').value = intent.description;
    $('intent-label').value = intent.label || '';
    $('intent-kind').value = intent.kind;
    $('intent-threshold').value = intent.threshold ?? '';
    $('intent-wiring').textContent = [intent.connector && 'connector ' + intent.connector, intent.template && 'template ' + intent.template, intent.team && 'team ' + intent.team, intent.priority && 'priority ' + intent.priority].filter(Boolean).join(' · ');
    $('intent-automation').textContent = automationOf(automation, intent.name);
    $('example-count').textContent = String(intent.examples.length);
    const list = clear($('examples'));
    for (const example of intent.examples) {
      const remove = can(me, 'manage_content') && el('button', { type: 'button', class: 'link', 'aria-label': 'Remove example: ' + example, onclick: () => removeExample(example), text: 'Remove' });
      list.append(el('li', {}, el('span', { text: example }), remove || null));
    }
    renderList();
  };
  const replace = (intent) => {
    content.intents = content.intents.map((i) => (i.name === intent.name ? intent : i));
    show(intent);
  };
  const removeExample = async (text) => {
    const updated = await attempt(() => api('DELETE', '/content/intents/' + encodeURIComponent(current.name) + '/examples', { text }), 'Example removed; the model was retrained.');
    if (updated) replace(updated);
  };
  $('intent-filter').addEventListener('input', renderList);
  $('example-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('example-text').value.trim();
    if (!text || !current) return;
    $('add-example').disabled = true;
    const updated = await attempt(() => api('POST', '/content/intents/' + encodeURIComponent(current.name) + '/examples', { text }), 'Example added; the model was retrained.');
    $('add-example').disabled = false;
    if (updated) {
      $('example-text').value = '';
      replace(updated);
    }
  });
  $('intent-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const threshold = $('intent-threshold').value;
    const updated = await attempt(
      () => api('PATCH', '/content/intents/' + encodeURIComponent(current.name), { description: $('intent-description').value.trim(), label: $('intent-label').value.trim() || null, kind: $('intent-kind').value, threshold: threshold === '' ? null : Number(threshold) }),
      'Intent saved.',
    );
    if (updated) replace(updated);
  });
  $('new-intent-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const created = await attempt(
      () => api('POST', '/content/intents', { name: $('ni-name').value.trim(), description: $('ni-description').value.trim(), kind: $('ni-kind').value, examples: $('ni-examples').value.split('\n').map((s) => s.trim()).filter(Boolean) }),
      'Intent created; the model was retrained.',
    );
    if (created) {
      content.intents.push(created);
      e.target.reset();
      show(created);
    }
  });
  renderList();
  const wanted = new URLSearchParams(location.search).get('intent');
  const first = content.intents.find((i) => i.name === wanted) || content.intents[0];
  if (first) show(first);
  // Opened from an emerging topic's "Draft an intent" (insights page): the form is filled in.
  if (can(me, 'manage_content')) fillDraft();
}

// --- articles --------------------------------------------------------------------------------------

async function articles() {
  const content = await api('GET', '/content');
  let current = null;
  const render = () => pickList($('article-list'), content.articles, (a) => a.title, current && current.title, show);
  const show = (article) => {
    current = article;
    $('article-slug').value = article ? article.slug : '';
    $('article-slug').readOnly = Boolean(article);
    $('article-title').value = article ? article.title : '';
    $('article-tags').value = article ? article.tags.join(', ') : '';
    $('article-url').value = article ? article.url : '';
    $('article-body').value = article ? article.body : '';
    $('delete-article').hidden = !article;
    render();
  };
  $('new-article').addEventListener('click', () => {
    show(null);
    $('article-slug').focus();
  });
  $('article-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const slug = $('article-slug').value.trim();
    const body = { title: $('article-title').value.trim(), tags: csv($('article-tags').value), url: $('article-url').value.trim(), body: $('article-body').value };
    const saved = await attempt(() => api('PUT', '/content/articles/' + encodeURIComponent(slug), body), 'Article saved; the bot answers from it now.');
    if (saved) {
      const article = saved.slug ? saved : { slug, ...body };
      const at = content.articles.findIndex((a) => a.slug === slug);
      if (at >= 0) content.articles[at] = article;
      else content.articles.push(article);
      show(article);
    }
  });
  $('delete-article').addEventListener('click', async () => {
    if (!current || !confirm('Delete the article "' + current.title + '"?')) return;
    const done = await attempt(() => api('DELETE', '/content/articles/' + encodeURIComponent(current.slug)).then(() => true), 'Article deleted.');
    if (done) {
      content.articles = content.articles.filter((a) => a.slug !== current.slug);
      show(content.articles[0] || null);
    }
  });
  show(content.articles[0] || null);
}

// --- templates and canned replies ------------------------------------------------------------------

async function templates() {
  const content = await api('GET', '/content');
  let current = null;
  const render = () => pickList($('template-list'), content.templates, (t) => t.name, current && current.name, show);
  const show = (t) => {
    current = t;
    $('template-name').value = t ? t.name : '';
    $('template-body').value = t ? t.body : '';
    render();
  };
  $('template-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = $('template-name').value.trim();
    const saved = await attempt(() => api('PUT', '/content/templates/' + encodeURIComponent(name), { body: $('template-body').value }), 'Template saved.');
    if (saved) {
      const t = { name, body: $('template-body').value };
      const at = content.templates.findIndex((x) => x.name === name);
      if (at >= 0) content.templates[at] = t;
      else content.templates.push(t);
      show(t);
    }
  });
  const cannedList = $('canned-list');
  const cannedRow = (c = { title: '', text: '' }) =>
    el('li', {}, el('label', {}, 'Title', el('input', { class: 'canned-title', value: c.title })), el('label', {}, 'Text', el('textarea', { class: 'canned-text', rows: 2, text: c.text })), el('button', { type: 'button', class: 'link', onclick: (e) => e.target.closest('li').remove(), text: 'Remove' }));
  for (const c of content.canned_replies || []) cannedList.append(cannedRow(c));
  $('add-canned').addEventListener('click', () => cannedList.append(cannedRow()));
  $('canned-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const replies = [...cannedList.children].map((li) => ({ title: li.querySelector('.canned-title').value.trim(), text: li.querySelector('.canned-text').value.trim() })).filter((c) => c.title || c.text);
    await attempt(() => api('PUT', '/content/canned-replies', { canned_replies: replies }), 'Canned replies saved.');
  });
  show(content.templates[0] || null);
}

// --- connectors -------------------------------------------------------------------------------------

async function connectors(me) {
  const content = await api('GET', '/content');
  const list = clear($('connector-list'));
  for (const c of content.connectors) {
    const result = el('pre', { class: 'result', hidden: true, 'aria-live': 'polite' });
    const inputs = c.params.map((p) => ({ name: p, input: el('input', { id: 'p-' + c.name + '-' + p, name: p, placeholder: p === 'order_id' ? 'A1001' : '' }) }));
    const email = el('input', { id: 'e-' + c.name, type: 'email', placeholder: 'maria.rossi@example.com' });
    const form = el(
      'form',
      {
        class: 'stack',
        onsubmit: async (e) => {
          e.preventDefault();
          const params = Object.fromEntries(inputs.map((i) => [i.name, i.input.value.trim()]));
          const body = { params };
          if (email.value.trim()) body.customer_email = email.value.trim();
          const r = await attempt(() => api('POST', '/content/connectors/' + encodeURIComponent(c.name) + '/test', body));
          if (!r) return;
          result.hidden = false;
          result.className = 'result' + (r.ok ? '' : ' bad');
          result.textContent = r.ok ? JSON.stringify(r.fields, null, 2) + '\n(' + r.elapsed_ms + ' ms)' : r.error;
        },
      },
      ...inputs.map((i) => [el('label', { for: i.input.id, text: label(i.name) }), i.input]),
      c.owner_field ? [el('label', { for: email.id, text: "Customer's e-mail (the owner check)" }), email] : null,
      el('button', { class: 'primary', type: 'submit', text: 'Test ' + c.name }),
    );
    // Testing runs the connector against the business's data: for those who may change content.
    const test = can(me, 'manage_content') ? [form, result] : [];
    list.append(el('li', { class: 'card', dataset: { connector: c.name } }, el('h2', { text: c.name }), el('p', { class: 'muted', text: c.type.toUpperCase() + ' · ' + c.target + (c.owner_field ? ' · owner field ' + c.owner_field : '') }), ...test));
  }
  if (!content.connectors.length) list.append(el('li', { class: 'muted', text: 'This pack has no connectors.' }));
}

// --- bot texts ----------------------------------------------------------------------------------------

async function texts() {
  const content = await api('GET', '/content');
  const names = ['disclosure', 'handoff', 'rephrase', 'choose', 'talk_to_person', 'dropped', 'not_found'];
  for (const n of names) $('text-' + n).value = content.texts[n] || '';
  $('text-agent_name').value = content.texts.agent_name || '';
  $('texts-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    // Texts without a field here (the privacy notice) are sent back as they are.
    const body = { ...content.texts, ...Object.fromEntries(names.map((n) => [n, $('text-' + n).value.trim()])) };
    // Without a name of their own, agents sign with their first name.
    body.agent_name = $('text-agent_name').value.trim() || null;
    await attempt(() => api('PUT', '/content/texts', body), 'Bot texts saved.');
  });
}

// --- users and teams -------------------------------------------------------------------------------

/** The staff and the teams, as the server has them now. */
async function staffAndTeams() {
  const [userList, teamList] = await Promise.all([api('GET', '/users'), api('GET', '/teams')]);
  return { staff: userList.users, teamsNow: teamList.teams };
}

/** Runs a page's change and then shows the list as the server has it now (also when refused). */
async function change(action, success, reload) {
  const result = await attempt(action, success);
  await reload().catch((e) => flash(e.message || String(e), 'error'));
  return result;
}

async function users(me) {
  const admin = me.role === 'admin';
  const render = async () => {
    const { staff, teamsNow } = await staffAndTeams();
    const body = clear($('users').querySelector('tbody'));
    for (const u of staff) {
      const role = el('select', { 'aria-label': 'Role of ' + u.name, disabled: !admin || u.id === me.id }, ...['agent', 'trainer', 'supervisor', 'admin'].map((r) => el('option', { value: r, selected: u.role === r, text: label(r) })));
      role.addEventListener('change', () => change(() => api('PATCH', '/users/' + u.id, { role: role.value }), u.name + ' is now ' + role.value + '.', render));
      const active = el('input', { type: 'checkbox', checked: u.active, disabled: !admin || u.id === me.id, 'aria-label': u.name + ' is active' });
      active.addEventListener('change', () => change(() => api('PATCH', '/users/' + u.id, { active: active.checked }), active.checked ? u.name + ' can log in.' : u.name + ' was deactivated.', render));
      const teamBox = el('span', {}, ...teamsNow.map((t) => {
        const box = el('input', { type: 'checkbox', checked: u.team_ids.includes(t.id), disabled: !admin, 'aria-label': u.name + ' in team ' + t.name });
        box.addEventListener('change', () => {
          const ids = teamsNow.filter((x) => (x.id === t.id ? box.checked : u.team_ids.includes(x.id))).map((x) => x.id);
          change(() => api('PATCH', '/users/' + u.id, { team_ids: ids }), 'Teams saved.', render);
        });
        return el('label', { class: 'small' }, box, ' ' + label(t.name) + ' ');
      }));
      body.append(el('tr', { dataset: { user: u.email } }, el('td', { text: u.name }), el('td', { text: u.email }), el('td', {}, role), el('td', {}, teamBox), el('td', {}, active)));
    }
  };
  $('user-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const created = await change(() => api('POST', '/users', { name: $('u-name').value.trim(), email: $('u-email').value.trim(), role: $('u-role').value, password: $('u-password').value }), 'User added.', render);
    if (created) form.reset();
  });
  await render();
}

async function teams() {
  const render = async () => {
    const { staff, teamsNow } = await staffAndTeams();
    const body = clear($('teams').querySelector('tbody'));
    for (const t of teamsNow) {
      const members = staff.filter((u) => u.team_ids.includes(t.id)).map((u) => u.name);
      body.append(el('tr', { dataset: { team: t.name } }, el('td', { text: label(t.name) }), el('td', { text: t.skills.join(', ') || '—' }), el('td', { text: members.join(', ') || '—' })));
    }
  };
  // One handler for the page's life: a refused add keeps the input and the next add works the same.
  $('team-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const created = await change(() => api('POST', '/teams', { name: $('t-name').value.trim(), skills: csv($('t-skills').value) }), 'Team added.', render);
    if (created) form.reset();
  });
  await render();
}

function widget() {
  const code = $('snippet');
  code.textContent = `<script src="${location.origin}/widget.js" data-inbox="${code.dataset.key}" async></script>`;
  $('copy-snippet').addEventListener('click', () => navigator.clipboard.writeText(code.textContent).then(() => flash('Copied.', 'ok'), () => flash('Select the text and copy it.', 'info')));
}

const PAGES = { intents, articles, templates, connectors, texts, users, teams, widget };

staffShell()
  // Rows a page adds (canned replies) are read-only too for those who cannot change them.
  .then((me) => Promise.resolve(PAGES[page](me)).then(() => restrict(me)))
  .catch((e) => flash(e.message || String(e), 'error'));
