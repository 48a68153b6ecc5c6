//! The rules a content pack must meet, checked whole (on import, and for every edit, which
//! installs the edited pack): values in range, cross-references between intents, teams,
//! templates, connectors and articles. The rules that single values follow are in [`super::rules`],
//! shared with the content editor, so an imported pack and an edited one meet the same ones.

use std::collections::{BTreeMap, BTreeSet};

use tandem_core::decision::HandoffReason;
use tandem_nlu::entities::EntityKind;

use super::load::{Pack, PackProblem};
use super::model::{ConnectorDef, ConnectorSpec, IntentKind};
use super::rules;

/// The fewest distinct examples an intent may have.
pub const MIN_EXAMPLES: usize = 10;

/// Checks the cross-references and values of a pack (for packs that did not come from files, the
/// problems name `intent:NAME` and the like).
pub fn validate(pack: &Pack) -> Vec<PackProblem> {
    validate_with_files(pack, &BTreeMap::new())
}

pub(super) fn validate_with_files(pack: &Pack, files: &BTreeMap<String, String>) -> Vec<PackProblem> {
    let mut problems = Vec::new();
    let mut report = |key: String, message: String| {
        let file = files.get(&key).cloned().unwrap_or(key);
        problems.push(PackProblem {
            file,
            line: None,
            message,
        });
    };
    let m = &pack.manifest;
    let p = &m.policy;
    for (name, v) in [
        ("min_confidence", p.min_confidence),
        ("frustration_handoff", p.frustration_handoff),
        ("person_request_handoff", p.person_request_handoff),
        ("abuse_handoff", p.abuse_handoff),
        ("answer_threshold", p.answer_threshold),
        ("min_margin", p.min_margin),
        ("min_runner_up", p.min_runner_up),
        ("max_in_scope_rejection", p.max_in_scope_rejection),
    ] {
        if rules::check_threshold(Some(v)).is_err() {
            report(
                "pack.toml".into(),
                format!("policy.{name} must be between 0 and 1"),
            );
        }
    }
    for (name, db) in &m.databases {
        match (&db.url, &db.seed) {
            (None, None) => report(
                "pack.toml".into(),
                format!("databases.{name} needs a `url` or a `seed`"),
            ),
            (None, Some(seed)) if !pack.seeds.contains_key(seed) => report(
                "pack.toml".into(),
                format!("databases.{name}.seed names business/{seed}, which does not exist"),
            ),
            _ => {}
        }
    }
    let teams: BTreeSet<&str> = m.routing.teams.iter().map(|t| t.name.as_str()).collect();
    if let Some(team) = &m.routing.default_team {
        if !teams.contains(team.as_str()) {
            report(
                "pack.toml".into(),
                format!("routing.default_team `{team}` is not one of routing.teams"),
            );
        }
    }
    for priority in m.routing.sla.keys() {
        if tandem_core::model::Priority::parse(priority).is_err() {
            report(
                "pack.toml".into(),
                format!("routing.sla has unknown priority `{priority}`"),
            );
        }
    }
    for (cause, owner) in &m.root_causes {
        if tandem_core::root_cause::RootCause::parse(cause).is_err() {
            report(
                "pack.toml".into(),
                format!("root_causes names `{cause}`, which is not a root cause (documentation, product_promise, sales_advice, technical_defect, process, other)"),
            );
        }
        if owner.owner.trim().is_empty() {
            report(
                "pack.toml".into(),
                format!("root_causes.{cause} has an empty owner"),
            );
        }
    }
    for rule in &m.routing.require {
        if tandem_nlu::quality::Skill::parse(&rule.certification).is_none() {
            report(
                "pack.toml".into(),
                format!(
                    "routing.require names the certification `{}`, which is not a skill of the rubric",
                    rule.certification
                ),
            );
        }
        if m.routing
            .require
            .iter()
            .filter(|r| r.handoff_reason == rule.handoff_reason)
            .count()
            > 1
        {
            report(
                "pack.toml".into(),
                format!(
                    "routing.require names the handoff reason `{}` more than once",
                    rule.handoff_reason.as_str()
                ),
            );
        }
    }

    if let Err(e) = rules::check_canned(&m.canned_replies) {
        report("pack.toml".into(), e.to_string());
    }
    if let Err(e) = rules::check_disclosure(&m.texts.disclosure) {
        report("pack.toml".into(), format!("texts.disclosure: {e}"));
    }
    if !super::widget::is_language_tag(&m.language) {
        report(
            "pack.toml".into(),
            format!(
                "language `{}` is not a lowercase language tag such as `en` or `de`",
                m.language
            ),
        );
    }
    for (language, texts) in &pack.widget {
        for problem in super::widget::check_language(language, texts) {
            report(format!("widget/{language}.toml"), problem);
        }
    }

    let connectors: BTreeMap<&str, &ConnectorDef> =
        pack.connectors.iter().map(|c| (c.name.as_str(), c)).collect();
    if connectors.len() != pack.connectors.len() {
        report("connectors".into(), "two connectors have the same name".into());
    }
    let mut env = rules::template_environment();
    for (name, source) in &pack.templates {
        if let Err(e) = env.add_template_owned(name.clone(), source.clone()) {
            let line = e.line();
            problems_push_template(&mut report, name, line, &e.to_string());
        } else if let Err(e) = rules::check_template(name, source) {
            problems_push_template(&mut report, name, None, &e.to_string());
        }
    }
    if pack
        .intents
        .iter()
        .filter(|i| i.kind == IntentKind::OutOfScope)
        .count()
        > 1
    {
        report(
            "intents".into(),
            "at most one intent may be of kind out_of_scope".into(),
        );
    }
    let mut seen = BTreeSet::new();
    let mut used_connector_params: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for intent in &pack.intents {
        let key = format!("intent:{}", intent.name);
        if let Err(e) = rules::check_name(&intent.name, rules::Name::Intent) {
            report(key.clone(), e.to_string());
        }
        if !seen.insert(intent.name.as_str()) {
            report(
                key.clone(),
                format!("the intent `{}` is defined twice", intent.name),
            );
        }
        if intent.name == tandem_core::model::HUMAN_CHOICE {
            report(
                key.clone(),
                "`human` is the choice that asks for a person; give the intent another name".into(),
            );
        }
        if let Some(Err(e)) = intent.label.as_deref().map(rules::check_label) {
            report(key.clone(), e.to_string());
        }
        let distinct: BTreeSet<String> = intent
            .examples
            .iter()
            .map(|e| tandem_nlu::text::normalize(e))
            .collect();
        if distinct.len() < MIN_EXAMPLES {
            report(
                key.clone(),
                format!(
                    "needs at least {MIN_EXAMPLES} distinct examples, has {}",
                    distinct.len()
                ),
            );
        }
        if let Err(e) = rules::check_threshold(intent.threshold) {
            report(key.clone(), e.to_string());
        }
        for example in &intent.examples {
            if let Err(e) = rules::check_example(example) {
                report(key.clone(), e.to_string());
            }
        }
        if let Some(p) = &intent.priority {
            if tandem_core::model::Priority::parse(p).is_err() {
                report(
                    key.clone(),
                    format!("priority `{p}` is not low, normal, high or urgent"),
                );
            }
        }
        if let Some(team) = &intent.team {
            if !teams.contains(team.as_str()) {
                report(
                    key.clone(),
                    format!("team `{team}` is not one of pack.toml's routing.teams"),
                );
            }
        }
        for slot in &intent.slots {
            if slot.name == crate::pipeline::policy::IDENTITY_SLOT {
                report(
                    key.clone(),
                    format!(
                        "a slot may not be called `{}` (the bot's identity question uses that name)",
                        slot.name
                    ),
                );
            }
            if EntityKind::parse(&slot.entity).is_none() {
                report(
                    key.clone(),
                    format!(
                        "slot `{}` has unknown entity `{}` (order_number, invoice_number, email, amount, date)",
                        slot.name, slot.entity
                    ),
                );
            }
        }
        if intent.kind == IntentKind::OutOfScope
            && (intent.connector.is_some() || intent.template.is_some() || !intent.slots.is_empty())
        {
            report(
                key.clone(),
                "an out_of_scope intent is never acted on: it takes no connector, template or slots".into(),
            );
        }
        let needs_template = matches!(intent.kind, IntentKind::Automated | IntentKind::Acknowledge);
        match (&intent.template, needs_template) {
            (None, true) => report(key.clone(), "needs a `template`".into()),
            (Some(t), _) if !pack.templates.contains_key(t) => report(
                key.clone(),
                format!("template `{t}` does not exist in templates/"),
            ),
            _ => {}
        }
        match (intent.kind, &intent.connector) {
            (IntentKind::Automated, None) => {
                report(key.clone(), "an automated intent needs a `connector`".into())
            }
            (_, Some(c)) => match connectors.get(c.as_str()) {
                None => report(
                    key.clone(),
                    format!("connector `{c}` does not exist in connectors/"),
                ),
                Some(def) => {
                    let slots = used_connector_params.entry(def.name.as_str()).or_default();
                    slots.extend(intent.slots.iter().map(|s| s.name.as_str()));
                }
            },
            _ => {}
        }
        if let Some(reason) = &intent.handoff_reason {
            if let Err(e) = HandoffReason::parse(reason) {
                report(key.clone(), e.to_string());
            }
        }
        if intent.kind == IntentKind::Faq && !intent.article_tags.is_empty() {
            let known = pack
                .articles
                .iter()
                .any(|a| a.tags.iter().any(|t| intent.article_tags.contains(t)));
            if !known {
                report(key.clone(), "no article has any of its article_tags".into());
            }
        }
    }
    for c in &pack.connectors {
        let key = format!("connector:{}", c.name);
        // The name becomes a file name when the pack is written out (`connectors/{name}.toml`).
        if let Err(e) = rules::check_name(&c.name, rules::Name::Slug) {
            report(key.clone(), e.to_string());
        }
        match &c.spec {
            ConnectorSpec::Sql {
                database,
                params,
                query,
            } => {
                if !m.databases.contains_key(database) {
                    report(
                        key.clone(),
                        format!("database `{database}` is not defined in pack.toml [databases]"),
                    );
                }
                let first_word = query.split_whitespace().next().unwrap_or("").to_lowercase();
                if first_word != "select" && first_word != "with" {
                    report(
                        key.clone(),
                        "a sql connector runs a SELECT (or WITH ... SELECT) query".into(),
                    );
                }
                let slots = used_connector_params.get(c.name.as_str());
                for param in params {
                    let known =
                        param.starts_with("customer.") || slots.is_some_and(|s| s.contains(param.as_str()));
                    if !known {
                        report(
                            key.clone(),
                            format!("param `{param}` is neither customer.email/customer.name nor a slot of an intent using it"),
                        );
                    }
                }
            }
            ConnectorSpec::Http { method, url, .. } => {
                if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.to_uppercase().as_str()) {
                    report(key.clone(), format!("method `{method}` is not an HTTP method"));
                }
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    report(key.clone(), "url must start with http:// or https://".into());
                }
            }
        }
    }
    if let Some(challenge) = &m.identity.challenge {
        check_challenge(challenge, &connectors, &mut report);
    }
    super::offers::check(
        &m.customers,
        &pack.offers,
        &pack.intents,
        &connectors,
        &mut report,
    );
    problems
}

/// The identity question reads the record of the e-mail address the customer gave: its connector
/// takes nothing but the customer's address and name.
fn check_challenge(
    challenge: &super::model::ChallengeDef,
    connectors: &BTreeMap<&str, &ConnectorDef>,
    report: &mut impl FnMut(String, String),
) {
    let key = || "pack.toml".to_owned();
    match connectors.get(challenge.connector.as_str()).map(|c| &c.spec) {
        None => report(
            key(),
            format!(
                "identity.challenge.connector `{}` does not exist in connectors/",
                challenge.connector
            ),
        ),
        Some(ConnectorSpec::Sql { params, .. }) if params.iter().any(|p| !p.starts_with("customer.")) => {
            report(
                key(),
                format!(
                    "identity.challenge.connector `{}` may only take customer.email and customer.name",
                    challenge.connector
                ),
            )
        }
        Some(_) => {}
    }
    if challenge.field.trim().is_empty() {
        report(
            key(),
            "identity.challenge.field names the result field to compare".into(),
        );
    }
    if challenge.prompt.trim().is_empty() {
        report(
            key(),
            "identity.challenge.prompt must say what the customer should type".into(),
        );
    }
    if challenge.last > 64 {
        report(key(), "identity.challenge.last is at most 64 characters".into());
    }
}

fn problems_push_template(
    report: &mut impl FnMut(String, String),
    name: &str,
    line: Option<usize>,
    message: &str,
) {
    let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
    report(
        format!("templates/{name}.j2"),
        format!("the template does not compile{at}: {message}"),
    );
}
