// The team page (supervisors and admins): every agent's skill averages and certifications, an
// agent's coaching profile, and certifying or revoking a skill with a reason. Errors of the API
// are shown where the action was taken.
import { api, attempt, clear, el, flash, when } from './api.js';
import { can, staffShell } from './shell.js';
import { SKILLS, band, highlightItem, pct, renderProfile, skillLabel, suggestionBody } from './coaching-profile.js';
import { agentTurn, customerTurn } from './coaching-practice.js';

const $ = (id) => document.getElementById(id);

const state = { agents: [], staff: [], chosen: null, paths: [], revoking: null };

// Certifications name their granter by id: a supervisor or admin, not in the agents' table.
const nameOf = (id) => state.agents.find((a) => a.user_id === id)?.name || state.staff.find((u) => u.id === id)?.name || id;

function header() {
  const row = $('team').querySelector('thead tr');
  clear(row).append(
    el('th', { scope: 'col', text: 'Agent' }),
    el('th', { scope: 'col', text: 'Replies scored' }),
    ...SKILLS.map((k) => el('th', { scope: 'col', class: 'skill-col', text: skillLabel(k) })),
    el('th', { scope: 'col', text: 'Certifications' }),
  );
}

const chips = (skills) => el('ul', { class: 'chips' }, ...(skills || []).map((k) => el('li', { class: 'chip cert-chip', dataset: { skill: k }, text: skillLabel(k) })));

async function loadTeam() {
  const { agents = [] } = await api('GET', '/coaching/team');
  state.agents = agents;
  const body = clear($('team').querySelector('tbody'));
  for (const a of agents) {
    body.append(
      el(
        'tr',
        { dataset: { user: a.user_id }, class: a.user_id === state.chosen ? 'chosen' : null },
        el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link agent-open', 'aria-label': 'Open the coaching profile of ' + a.name, onclick: () => attempt(() => choose(a.user_id, true)) }, a.name), el('span', { class: 'muted small', text: ' ' + a.role })),
        el('td', { class: 'replies', text: String(a.replies ?? 0) }),
        ...SKILLS.map((k) => {
          const s = (a.skills || {})[k];
          const has = s && s.count > 0;
          return el('td', { class: 'avg band-' + band(has ? s.average : null), dataset: { skill: k }, title: has ? `${s.count} replies` : 'No scored replies' }, has ? pct(s.average) : '–');
        }),
        el('td', { class: 'certs' }, chips(a.certifications)),
      ),
    );
  }
  $('team-empty').hidden = agents.length > 0;
  const pick = $('cert-agent');
  const keep = pick.value || state.chosen;
  clear(pick).append(...agents.map((a) => el('option', { value: a.user_id, text: a.name + ' (' + a.role + ')' })));
  if (keep && agents.some((a) => a.user_id === keep)) pick.value = keep;
}

async function loadProfile(id) {
  const profile = await api('GET', '/coaching/agents/' + encodeURIComponent(id));
  $('h-profile').textContent = 'Coaching profile of ' + (profile.name || nameOf(id));
  renderProfile($('agent-profile'), profile, 'agent');
  const highlights = clear($('agent-highlights'));
  for (const h of profile.highlights || []) highlights.append(highlightItem(h));
  if (!(profile.highlights || []).length) highlights.append(el('li', { class: 'muted', text: 'No highlights yet.' }));
  const suggestions = clear($('agent-suggestions'));
  for (const s of profile.suggestions || []) suggestions.append(el('li', { class: 'suggestion', dataset: { skill: s.skill } }, ...suggestionBody(s, "the agent's")));
  if (!(profile.suggestions || []).length) suggestions.append(el('li', { class: 'muted', text: 'No suggestions.' }));
  $('profile-card').hidden = false;
}

/** The practice sessions the agent shared, each readable turn by turn with its feedback. */
async function loadShared(id) {
  const { sessions = [] } = await api('GET', '/practice/sessions?user=' + encodeURIComponent(id));
  const body = clear($('shared-sessions').querySelector('tbody'));
  $('transcript').hidden = true;
  for (const s of sessions) {
    body.append(
      el(
        'tr',
        { dataset: { session: s.id } },
        el('td', { text: s.title || s.scenario }),
        el('td', { text: s.created_at ? when(s.created_at) : '' }),
        el('td', { text: typeof s.score === 'number' ? String(Math.round(s.score)) : '–' }),
        el('td', { text: !s.finished ? 'Not finished' : s.passed ? 'Passed' : 'Not passed' }),
        el('td', {}, el('button', { type: 'button', class: 'secondary read', 'aria-label': 'Read the transcript of "' + (s.title || s.scenario) + '"', onclick: () => attempt(() => transcript(s.id)) }, 'Read')),
      ),
    );
  }
  if (!sessions.length) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No shared sessions.' })));
}

async function transcript(id) {
  const session = await api('GET', '/practice/sessions/' + encodeURIComponent(id));
  const score = typeof session.score === 'number' ? ' · score ' + Math.round(session.score) + (session.passed ? ', passed' : ', not passed') : '';
  $('transcript-title').textContent = (session.title || session.scenario) + score;
  clear($('transcript-turns')).append(
    ...(session.turns || []).map((t) => (t.role === 'agent' ? agentTurn(t.text, t.skills, null, 'Agent') : customerTurn(t.text, t.mood))),
  );
  $('transcript').hidden = false;
}

/** Eligibility per skill for the agent in the certify form, from their learning paths. */
async function loadEligibility(id) {
  const { paths = [] } = await api('GET', '/practice/paths?user_id=' + encodeURIComponent(id));
  state.paths = paths;
  const box = clear($('eligibility'));
  const byskill = new Map(paths.map((p) => [p.skill, p]));
  const pick = $('cert-skill');
  const keep = pick.value;
  clear(pick).append(
    ...SKILLS.map((k) => {
      const p = byskill.get(k);
      const note = p ? (p.certified ? ' · certified' : p.eligible ? ' · eligible' : ' · not eligible yet') : '';
      return el('option', { value: k, text: skillLabel(k) + note });
    }),
  );
  if (keep) pick.value = keep;
  box.append(
    el('p', { class: 'small' }, 'Eligible (a scenario of the skill passed in practice): ', ...listOr(paths.filter((p) => p.eligible && !p.certified).map((p) => skillLabel(p.skill)), 'none yet')),
  );
}

const listOr = (names, none) => (names.length ? [el('strong', { class: 'eligible-skills', text: names.join(', ') })] : [el('span', { class: 'muted', text: none })]);

async function loadCertifications(id) {
  const { certifications = [] } = await api('GET', '/certifications?user_id=' + encodeURIComponent(id));
  const list = clear($('cert-list'));
  for (const c of certifications) {
    list.append(
      el(
        'li',
        { class: 'cert', dataset: { skill: c.skill } },
        el('span', { class: 'chip cert-chip', text: skillLabel(c.skill) }),
        el('span', { class: 'small' }, c.granted_by ? ' by ' + nameOf(c.granted_by) : '', c.granted_at ? ' · ' + when(c.granted_at) : '', c.reason ? ' · “' + c.reason + '”' : ''),
        el('button', { type: 'button', class: 'danger revoke', 'aria-label': 'Revoke ' + skillLabel(c.skill) + ' of ' + nameOf(c.user_id), onclick: () => askRevoke(c) }, 'Revoke'),
      ),
    );
  }
  $('cert-empty').hidden = certifications.length > 0;
}

/** Shows an agent: their profile, eligibility and certifications. */
async function choose(id, scroll = false) {
  state.chosen = id;
  $('cert-agent').value = id;
  for (const row of $('team').querySelectorAll('tbody tr')) row.classList.toggle('chosen', row.dataset.user === id);
  $('cert-error').textContent = '';
  await Promise.all([loadProfile(id), loadShared(id), loadEligibility(id), loadCertifications(id)]);
  if (scroll) $('profile-card').scrollIntoView({ block: 'start' });
}

async function certify(e) {
  e.preventDefault();
  const user = $('cert-agent').value;
  const skill = $('cert-skill').value;
  const reason = $('cert-reason').value.trim();
  $('cert-error').textContent = '';
  if (!user || !skill || !reason) {
    $('cert-error').textContent = 'Choose an agent and a skill, and say why.';
    return;
  }
  $('certify').disabled = true;
  try {
    await api('POST', '/certifications', { user_id: user, skill, reason });
    $('cert-reason').value = '';
    flash(nameOf(user) + ' is certified in ' + skillLabel(skill) + '.', 'ok');
    await loadTeam();
    await choose(user);
  } catch (err) {
    $('cert-error').textContent = err.message || String(err);
  } finally {
    $('certify').disabled = false;
  }
}

function askRevoke(c) {
  state.revoking = c;
  $('revoke-what').textContent = skillLabel(c.skill) + ' of ' + nameOf(c.user_id);
  $('revoke-reason').value = '';
  $('revoke-error').textContent = '';
  $('revoke-dialog').showModal();
  $('revoke-reason').focus();
}

async function revoke(e) {
  e.preventDefault();
  const c = state.revoking;
  const reason = $('revoke-reason').value.trim();
  if (!c) return;
  if (!reason) {
    $('revoke-error').textContent = 'Say why the certification is revoked.';
    return;
  }
  $('revoke-submit').disabled = true;
  try {
    await api('POST', '/certifications/revoke', { user_id: c.user_id, skill: c.skill, reason });
    $('revoke-dialog').close();
    state.revoking = null;
    flash('The ' + skillLabel(c.skill) + ' certification of ' + nameOf(c.user_id) + ' is revoked.', 'ok');
    await loadTeam();
    await choose(c.user_id);
  } catch (err) {
    $('revoke-error').textContent = err.message || String(err);
  } finally {
    $('revoke-submit').disabled = false;
  }
}

async function start() {
  const me = await staffShell();
  if (!['supervisor', 'admin'].includes(me.role)) {
    $('team-notice').hidden = false;
    return;
  }
  $('team-work').hidden = false;
  if (can(me, 'view_staff')) state.staff = (await api('GET', '/users').catch(() => ({ users: [] }))).users || [];
  header();
  $('certify-form').addEventListener('submit', (e) => certify(e));
  $('cert-agent').addEventListener('change', () => attempt(() => choose($('cert-agent').value)));
  $('revoke-form').addEventListener('submit', (e) => revoke(e));
  $('revoke-cancel').addEventListener('click', () => $('revoke-dialog').close());
  $('transcript-close').addEventListener('click', () => {
    $('transcript').hidden = true;
  });
  try {
    await loadTeam();
  } catch (err) {
    $('team-error').textContent = err.message || String(err);
    $('team-error').hidden = false;
    return;
  }
  const wanted = new URLSearchParams(location.search).get('agent');
  const first = state.agents.find((a) => a.user_id === wanted) || state.agents.find((a) => a.role === 'agent') || state.agents[0];
  if (first) await attempt(() => choose(first.user_id));
}

start().catch((e) => flash(e.message || String(e), 'error'));
