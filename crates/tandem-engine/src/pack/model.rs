//! The content-pack format: what a business gives Tandem so the bot knows its intents, articles,
//! reply templates, connectors to its own systems, and what to say. See docs/packs.md.
//!
//! ```text
//! PACK/
//!   pack.toml           PackManifest: name, texts, policy, databases, routing
//!   intents/*.toml      IntentDef, one per file
//!   articles/*.md       knowledge articles: front matter (title, tags, url) between `---` lines
//!   templates/*.j2      minijinja reply templates, named by file stem
//!   connectors/*.toml   ConnectorDef, one per file
//!   business/*.sql      optional: a demo business database (SQLite), created at import
//!   widget/<lang>.toml  optional: what the chat widget says, per language (pack::widget)
//!   practice/*.toml     optional: practice scenarios, one per file (pack::practice)
//!   offers/*.toml       optional: offers agents may make to customers, one per file (pack::offers)
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `pack.toml`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_version")]
    pub version: String,
    /// The language the pack is written in (its bot texts, and the widget's texts when a
    /// customer's language has no `widget/` file): a lowercase tag such as `en` or `de`.
    #[serde(default = "default_language")]
    pub language: String,
    pub texts: BotTexts,
    #[serde(default)]
    pub policy: PolicySettings,
    /// How customers prove who they are before the bot shows account data.
    #[serde(default, skip_serializing_if = "IdentitySettings::is_default")]
    pub identity: IdentitySettings,
    /// Business databases the `sql` connectors query, by name.
    #[serde(default)]
    pub databases: BTreeMap<String, DatabaseDef>,
    /// How customers' value and risk are read (`[customers]`).
    #[serde(default, skip_serializing_if = "super::offers::CustomerSettings::is_empty")]
    pub customers: super::offers::CustomerSettings,
    #[serde(default)]
    pub routing: RoutingSettings,
    /// Ready-made replies agents can insert (and adapt) in a conversation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canned_replies: Vec<CannedReply>,
    /// Who removes each root cause (`[root_causes.documentation]`), by cause; a cause without an
    /// owner here is the support team's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub root_causes: BTreeMap<String, CauseOwner>,
}

/// `[root_causes.CAUSE]` in `pack.toml`: the team or person who removes a root cause, and how to
/// reach them (their daily digest goes there).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CauseOwner {
    /// A team or a person: "Content team".
    pub owner: String,
    /// An e-mail address or another way to reach them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

impl CauseOwner {
    /// How the owner is shown: `Content team <docs@acme.example>`.
    pub fn display(&self) -> String {
        match &self.contact {
            Some(contact) => format!("{} <{contact}>", self.owner),
            None => self.owner.clone(),
        }
    }
}

/// `[[canned_replies]]` in `pack.toml`: a reply an agent can insert with one click.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReply {
    /// Short and unique, shown in the picker.
    pub title: String,
    /// The text inserted into the reply box.
    pub text: String,
}

fn default_version() -> String {
    "1".to_owned()
}

fn default_language() -> String {
    super::widget::BASE_LANGUAGE.to_owned()
}

pub fn default_choose() -> String {
    "Sorry, I'm not sure I understood. Is it one of these? You can also put it another way.".to_owned()
}

pub fn default_dropped() -> String {
    "All right, I won't go on with that. Is there anything else I can help you with?".to_owned()
}

pub fn default_talk_to_person() -> String {
    "Talk to a person".to_owned()
}

/// What the bot says in situations no intent covers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BotTexts {
    /// Prefixed to the bot's first message in a conversation: says that it is a bot.
    pub disclosure: String,
    /// Sent when the case goes to a person.
    pub handoff: String,
    /// Asked when the message was not understood (first time).
    pub rephrase: String,
    /// Asked when the bot is unsure what the customer means, above buttons with the likeliest
    /// intents and a person.
    #[serde(default = "default_choose")]
    pub choose: String,
    /// The label of the button that asks for a person.
    #[serde(default = "default_talk_to_person")]
    pub talk_to_person: String,
    /// Said when the customer calls off what the bot was asking about ("never mind").
    #[serde(default = "default_dropped")]
    pub dropped: String,
    /// Said when a record was not found or does not belong to the customer (the same words for
    /// both, so nothing leaks).
    pub not_found: String,
    /// The privacy notice the widget shows (what is stored, for how long, who answers); without
    /// it, Tandem's own notice with the configured retention period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<String>,
    /// The name agents' replies are signed with in the widget (for example "Support team");
    /// without it, each reply is signed with its agent's first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
}

/// The rules of the policy, as data. Every threshold is a probability or score in [0, 1].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PolicySettings {
    /// Intent confidence below which the bot does not act (an intent may set its own).
    pub min_confidence: f32,
    /// Frustration score at or above which the case goes to a person.
    pub frustration_handoff: f32,
    /// Wish-for-a-person score at or above which the case goes to a person.
    pub person_request_handoff: f32,
    /// Abuse/threat score at or above which the case goes to a person (reason `policy`).
    pub abuse_handoff: f32,
    /// Failed tries (missing or wrong slot values, not understood) before a person takes over.
    pub max_failed_tries: u32,
    /// The share of in-scope messages the intent model's out-of-scope threshold may turn away,
    /// measured on held-out examples when it is trained. Lower keeps more in-scope messages;
    /// higher refuses more of what the pack does not cover. Choose it on the pack's evaluation
    /// messages.
    pub max_in_scope_rejection: f32,
    /// How far (in probability) the best intent must lead the second for the bot to act on it;
    /// closer than that, the bot asks which one is meant, offering both as choices.
    pub min_margin: f32,
    /// Probability at or above which the second intent is a real alternative even when the best
    /// one leads by `min_margin`: the bot asks which one is meant, offering both as choices
    /// ("I added a gift card to my account, what's my balance?": gift cards or store credit).
    /// Greetings and thanks (`acknowledge`) and out-of-scope are not alternatives. 0 turns it off.
    pub min_runner_up: f32,
    /// Relevance (0 to 1) a passage needs to answer an FAQ; below it the case goes to a person.
    /// Choose it on the pack's evaluation messages (`scripts/demo-eval.py`).
    pub answer_threshold: f32,
    /// Deprecated, kept so that packs written before `[identity]` still load: `true` reads as
    /// `identity.verification = "signed"`, `false` as `"email"`. `[identity]` wins when both are set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_signed_identity: Option<bool>,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            min_confidence: 0.5,
            frustration_handoff: 0.7,
            person_request_handoff: 0.5,
            abuse_handoff: 0.7,
            max_failed_tries: 2,
            min_margin: 0.2,
            min_runner_up: 0.075,
            max_in_scope_rejection: 0.05,
            answer_threshold: crate::knowledge::DEFAULT_ANSWER_THRESHOLD,
            require_signed_identity: None,
        }
    }
}

/// `[identity]` in `pack.toml`: what a customer must show before the bot runs a connector for them
/// (account data: orders, invoices, balances).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdentitySettings {
    /// `challenge` when absent (and `policy.require_signed_identity` is not set either).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// The question a customer without a signed identity answers; without it, `challenge` means
    /// that such a customer's account questions go to a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<ChallengeDef>,
}

impl IdentitySettings {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// How a customer proves who they are.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// The e-mail address typed into the widget is trusted: a demo, or data that is not personal.
    Email,
    /// A signed identity, or the answer to the pack's challenge (the default).
    Challenge,
    /// Only an identity signed by the business's own site (HMAC).
    Signed,
}

impl Verification {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Challenge => "challenge",
            Self::Signed => "signed",
        }
    }
}

/// `[identity.challenge]`: a value of the customer's record that its owner knows and others do not
/// (the last digits of the phone number on the account, a postcode), found by a connector that reads
/// the record of the e-mail address the customer gave.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChallengeDef {
    /// A connector whose only parameters are `customer.email` / `customer.name`.
    pub connector: String,
    /// The result field holding the value.
    pub field: String,
    /// Compare only the last this many letters and digits of the value (0: all of it).
    #[serde(default = "default_challenge_last")]
    pub last: usize,
    /// What the bot asks; it must say what is needed ("the last four digits of the phone number on
    /// your account").
    pub prompt: String,
    /// Said after a wrong answer, before asking again.
    #[serde(default = "default_challenge_mismatch")]
    pub mismatch: String,
}

fn default_challenge_last() -> usize {
    4
}

fn default_challenge_mismatch() -> String {
    "That doesn't match what we have on file, so I can't show account details yet. Please try once more, or type 'agent' to reach a person.".to_owned()
}

impl PackManifest {
    /// How this pack's customers prove who they are: `[identity] verification`, else the deprecated
    /// `policy.require_signed_identity`, else `challenge`.
    pub fn verification(&self) -> Verification {
        match (self.identity.verification, self.policy.require_signed_identity) {
            (Some(v), _) => v,
            (None, Some(true)) => Verification::Signed,
            (None, Some(false)) => Verification::Email,
            (None, None) => Verification::Challenge,
        }
    }
}

/// A business database, for `sql` connectors.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatabaseDef {
    /// `sqlite:PATH` (relative paths are inside the data directory), `postgres://...`; or absent
    /// with `seed` to create a SQLite database from the pack's SQL at import.
    #[serde(default)]
    pub url: Option<String>,
    /// A file under `business/` with SQL that creates and fills the database.
    #[serde(default)]
    pub seed: Option<String>,
}

/// Routing and service levels.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingSettings {
    /// The team handed-over cases go to when the intent names none.
    pub default_team: Option<String>,
    /// Teams to create at import, with their skills.
    pub teams: Vec<TeamDef>,
    /// Most open cases an agent holds at once.
    pub agent_capacity: u32,
    /// First-response and resolution targets per priority, in minutes.
    pub sla: BTreeMap<String, SlaTarget>,
    /// Kinds of case only agents holding a certification take (`[[routing.require]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<CertificationRule>,
}

/// `[[routing.require]]`: cases handed over for `handoff_reason`, whatever their intent, go only
/// to agents certified in `certification`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CertificationRule {
    pub handoff_reason: tandem_core::decision::HandoffReason,
    /// A skill of the rubric, e.g. `de_escalation`.
    pub certification: String,
    /// When no certified agent is available: wait in the queue (the default) or go to any agent.
    #[serde(default)]
    pub when_none: WhenNoneCertified,
}

/// What happens to a case that requires a certification nobody available holds.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WhenNoneCertified {
    /// It waits in the queue, saying why, until a certified agent takes it.
    #[default]
    Wait,
    /// It goes to any available agent of its team, saying that nobody certified was available.
    Anyone,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        let sla = [
            ("urgent", 15, 240),
            ("high", 60, 480),
            ("normal", 240, 1440),
            ("low", 1440, 4320),
        ]
        .into_iter()
        .map(|(p, f, r)| {
            (
                p.to_owned(),
                SlaTarget {
                    first_response_minutes: f,
                    resolution_minutes: r,
                },
            )
        })
        .collect();
        Self {
            default_team: None,
            teams: Vec::new(),
            agent_capacity: 5,
            sla,
            require: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TeamDef {
    pub name: String,
    #[serde(default)]
    pub skills: Vec<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    pub first_response_minutes: u32,
    pub resolution_minutes: u32,
}

/// How the bot treats an intent.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntentKind {
    /// Resolved by running a connector and rendering a template.
    Automated,
    /// Answered from the knowledge base.
    Faq,
    /// Always goes to a person.
    Human,
    /// Greetings, thanks, goodbyes: a short template reply.
    Acknowledge,
    /// What the pack does not cover (the weather, jobs, small talk): examples the model learns to
    /// refuse, so a message like them is out of scope however close it comes to an intent. At
    /// most one per pack; never acted on.
    OutOfScope,
}

/// `intents/NAME.toml`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IntentDef {
    pub name: String,
    pub description: String,
    /// How the bot offers this intent as a choice when it is unsure ("Track an order"): words a
    /// customer understands. The name, spelled out, when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub kind: IntentKind,
    /// At least 10 distinct example messages.
    pub examples: Vec<String>,
    /// Confidence needed to act on this intent; the policy's `min_confidence` when absent.
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Values the action needs, asked for when missing.
    #[serde(default)]
    pub slots: Vec<SlotDef>,
    /// For `automated`: the connector to run.
    #[serde(default)]
    pub connector: Option<String>,
    /// For `automated` and `acknowledge`: the template to render.
    #[serde(default)]
    pub template: Option<String>,
    /// For `faq`: only articles with one of these tags answer it (all articles when empty).
    #[serde(default)]
    pub article_tags: Vec<String>,
    /// For `human`: the handoff reason (default `sensitive_topic`).
    #[serde(default)]
    pub handoff_reason: Option<String>,
    /// The team that takes the case when it goes to a person.
    #[serde(default)]
    pub team: Option<String>,
    /// Priority of the case when it goes to a person (`low`, `normal`, `high`, `urgent`).
    #[serde(default)]
    pub priority: Option<String>,
}

/// A value an intent needs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SlotDef {
    pub name: String,
    /// `order_number`, `invoice_number`, `email`, `amount` or `date`.
    pub entity: String,
    /// What the bot asks when the value is missing.
    pub prompt: String,
    /// Whether the record this value finds must belong to the customer (compared through the
    /// connector's `owner_field`).
    #[serde(default)]
    pub owned: bool,
}

/// `connectors/NAME.toml`. (Unknown keys are refused by [`ConnectorSpec`]: serde cannot combine
/// `deny_unknown_fields` with a flattened field on this struct.)
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConnectorDef {
    pub name: String,
    #[serde(flatten)]
    pub spec: ConnectorSpec,
    /// The result field holding the owner's e-mail address; when set, a result that belongs to
    /// someone else counts as not found.
    #[serde(default)]
    pub owner_field: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConnectorSpec {
    /// A parameterised query; parameters `$1..$n` take the values named in `params` (slot names, or
    /// `customer.email`, `customer.name`).
    Sql {
        database: String,
        query: String,
        #[serde(default)]
        params: Vec<String>,
    },
    /// An HTTP call. `url`, header values and `body` are minijinja templates over the slots and
    /// the customer; `extract` maps result names to JSON pointers (RFC 6901) into the response.
    Http {
        #[serde(default = "default_method")]
        method: String,
        url: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        #[serde(default)]
        body: Option<String>,
        #[serde(default)]
        extract: BTreeMap<String, String>,
        #[serde(default = "default_timeout_ms")]
        timeout_ms: u64,
        #[serde(default = "default_retries")]
        retries: u32,
    },
}

fn default_method() -> String {
    "GET".to_owned()
}
fn default_timeout_ms() -> u64 {
    3000
}
fn default_retries() -> u32 {
    1
}

/// A knowledge article, parsed from `articles/SLUG.md`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Article {
    /// The file stem.
    pub slug: String,
    pub title: String,
    pub tags: Vec<String>,
    pub url: String,
    /// Markdown body, without the front matter.
    pub body: String,
}
