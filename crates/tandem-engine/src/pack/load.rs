//! Reading a pack directory and checking it. Every problem is reported (not only the first), each
//! naming its file and, where it can, its line.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tandem_nlu::entities::EntityKind;

use super::model::{Article, ConnectorDef, ConnectorSpec, IntentDef, IntentKind, PackManifest};

/// A whole pack in memory.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Pack {
    pub manifest: PackManifest,
    pub intents: Vec<IntentDef>,
    pub articles: Vec<Article>,
    /// Template name -> minijinja source.
    pub templates: BTreeMap<String, String>,
    pub connectors: Vec<ConnectorDef>,
    /// File name under `business/` -> SQL.
    pub seeds: BTreeMap<String, String>,
}

/// One problem in a pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackProblem {
    /// Path relative to the pack directory.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PackProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// All the problems of a pack that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PackErrors(pub Vec<PackProblem>);

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the pack has {} problem(s):", self.0.len())?;
        for p in &self.0 {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

/// Distinct examples an intent needs at least.
pub const MIN_EXAMPLES: usize = 10;
pub const HANDOFF_REASONS: &[&str] = &[
    "customer_request",
    "low_confidence",
    "out_of_scope",
    "sensitive_topic",
    "frustration",
    "repeated_failure",
    "action_failed",
    "policy",
];

struct Loader {
    root: PathBuf,
    problems: Vec<PackProblem>,
}

impl Loader {
    fn problem(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.problems.push(PackProblem {
            file: file.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn read(&mut self, rel: &str) -> Option<String> {
        match std::fs::read_to_string(self.root.join(rel)) {
            Ok(text) => Some(text),
            Err(e) => {
                self.problem(rel, None, format!("cannot read the file: {e}"));
                None
            }
        }
    }

    /// The files of a sub-directory with the extension, sorted, as paths relative to the root.
    fn files(&mut self, dir: &str, ext: &str) -> Vec<String> {
        let path = self.root.join(dir);
        let Ok(entries) = std::fs::read_dir(&path) else {
            return Vec::new();
        };
        let mut files: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(ext) && !n.starts_with('.'))
            .map(|n| format!("{dir}/{n}"))
            .collect();
        files.sort();
        files
    }

    fn toml<T: serde::de::DeserializeOwned>(&mut self, rel: &str) -> Option<T> {
        let text = self.read(rel)?;
        match toml::from_str::<T>(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e.span().map(|s| line_of(&text, s.start));
                self.problem(rel, line, e.message().to_owned());
                None
            }
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn stem(rel: &str) -> String {
    Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads and checks the pack in `dir`.
pub fn load_dir(dir: &Path) -> Result<Pack, PackErrors> {
    let mut l = Loader {
        root: dir.to_path_buf(),
        problems: Vec::new(),
    };
    if !dir.is_dir() {
        return Err(PackErrors(vec![PackProblem {
            file: dir.display().to_string(),
            line: None,
            message: "is not a directory".into(),
        }]));
    }
    let manifest: Option<PackManifest> = l.toml("pack.toml");
    let mut intents = Vec::new();
    for rel in l.files("intents", ".toml") {
        if let Some(intent) = l.toml::<IntentDef>(&rel) {
            intents.push((rel, intent));
        }
    }
    let mut connectors = Vec::new();
    for rel in l.files("connectors", ".toml") {
        if let Some(c) = l.toml::<ConnectorDef>(&rel) {
            connectors.push((rel, c));
        }
    }
    let mut templates = BTreeMap::new();
    for rel in l.files("templates", ".j2") {
        if let Some(source) = l.read(&rel) {
            templates.insert(stem(&rel), source);
        }
    }
    let mut articles = Vec::new();
    for rel in l.files("articles", ".md") {
        if let Some(text) = l.read(&rel) {
            match parse_article(&stem(&rel), &text) {
                Ok(a) => articles.push(a),
                Err((line, message)) => l.problem(&rel, Some(line), message),
            }
        }
    }
    let mut seeds = BTreeMap::new();
    for rel in l.files("business", ".sql") {
        if let Some(sql) = l.read(&rel) {
            seeds.insert(rel.trim_start_matches("business/").to_owned(), sql);
        }
    }
    let Some(manifest) = manifest else {
        return Err(PackErrors(l.problems));
    };
    let pack = Pack {
        manifest,
        intents: intents.iter().map(|(_, i)| i.clone()).collect(),
        articles,
        templates,
        connectors: connectors.iter().map(|(_, c)| c.clone()).collect(),
        seeds,
    };
    let files: BTreeMap<String, String> = intents
        .iter()
        .map(|(rel, i)| (format!("intent:{}", i.name), rel.clone()))
        .chain(
            connectors
                .iter()
                .map(|(rel, c)| (format!("connector:{}", c.name), rel.clone())),
        )
        .collect();
    l.problems.extend(validate_with_files(&pack, &files));
    if l.problems.is_empty() {
        Ok(pack)
    } else {
        Err(PackErrors(l.problems))
    }
}

/// Parses `---` front matter (`title: ...`, `url: ...`, `tags: [a, b]`) and the body.
/// On error returns the line and a message.
pub fn parse_article(slug: &str, text: &str) -> Result<Article, (usize, String)> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim() == "---" => {}
        _ => {
            return Err((
                1,
                "an article starts with front matter between `---` lines".into(),
            ))
        }
    }
    let (mut title, mut url, mut tags) = (None, None, Vec::new());
    let mut body_start = None;
    for (i, line) in lines.by_ref() {
        let trimmed = line.trim();
        if trimmed == "---" {
            body_start = Some(i + 1);
            break;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err((i + 1, format!("expected `key: value`, found {trimmed:?}")));
        };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim() {
            "title" => title = Some(value),
            "url" => url = Some(value),
            "tags" => {
                let inner = value.trim_start_matches('[').trim_end_matches(']');
                tags = inner
                    .split(',')
                    .map(|t| t.trim().trim_matches('"').to_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect();
            }
            other => {
                return Err((
                    i + 1,
                    format!("unknown front-matter key `{other}` (title, tags, url)"),
                ))
            }
        }
    }
    let Some(start) = body_start else {
        return Err((1, "the front matter is not closed with `---`".into()));
    };
    let title = title
        .filter(|t| !t.is_empty())
        .ok_or((1, "the front matter needs a `title`".to_owned()))?;
    let url = url
        .filter(|u| !u.is_empty())
        .ok_or((1, "the front matter needs a `url`".to_owned()))?;
    let body: String = text
        .lines()
        .skip(start)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    if body.is_empty() {
        return Err((start + 1, "the article has no body".into()));
    }
    Ok(Article {
        slug: slug.to_owned(),
        title,
        tags,
        url,
        body,
    })
}

/// Checks the cross-references and values of a pack (for packs that did not come from files, the
/// problems name `intent:NAME` and the like).
pub fn validate(pack: &Pack) -> Vec<PackProblem> {
    validate_with_files(pack, &BTreeMap::new())
}

fn validate_with_files(pack: &Pack, files: &BTreeMap<String, String>) -> Vec<PackProblem> {
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
    let unit = |v: f32| (0.0..=1.0).contains(&v);
    let p = &m.policy;
    for (name, v) in [
        ("min_confidence", p.min_confidence),
        ("frustration_handoff", p.frustration_handoff),
        ("person_request_handoff", p.person_request_handoff),
        ("abuse_handoff", p.abuse_handoff),
    ] {
        if !unit(v) {
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

    let mut titles = BTreeSet::new();
    for (i, reply) in m.canned_replies.iter().enumerate() {
        let title = reply.title.trim();
        if title.is_empty() {
            report("pack.toml".into(), format!("canned_replies[{i}] needs a `title`"));
        } else if !titles.insert(title.to_lowercase()) {
            report(
                "pack.toml".into(),
                format!("two canned replies have the title `{title}`"),
            );
        }
        if reply.text.trim().is_empty() {
            report(
                "pack.toml".into(),
                format!("canned_replies[{i}] (`{title}`) needs a `text`"),
            );
        }
    }

    let connectors: BTreeMap<&str, &ConnectorDef> =
        pack.connectors.iter().map(|c| (c.name.as_str(), c)).collect();
    if connectors.len() != pack.connectors.len() {
        report("connectors".into(), "two connectors have the same name".into());
    }
    let mut env = minijinja::Environment::new();
    for (name, source) in &pack.templates {
        if let Err(e) = env.add_template_owned(name.clone(), source.clone()) {
            let line = e.line();
            problems_push_template(&mut report, name, line, &e.to_string());
        }
    }
    let mut seen = BTreeSet::new();
    let mut used_connector_params: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for intent in &pack.intents {
        let key = format!("intent:{}", intent.name);
        let name_ok = !intent.name.is_empty()
            && intent
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok {
            report(
                key.clone(),
                "the intent name must be lower-case letters, digits and `_`".into(),
            );
        }
        if !seen.insert(intent.name.as_str()) {
            report(
                key.clone(),
                format!("the intent `{}` is defined twice", intent.name),
            );
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
        if intent.threshold.is_some_and(|t| !unit(t)) {
            report(key.clone(), "threshold must be between 0 and 1".into());
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
            if !HANDOFF_REASONS.contains(&reason.as_str()) {
                report(
                    key.clone(),
                    format!(
                        "handoff_reason `{reason}` is not one of {}",
                        HANDOFF_REASONS.join(", ")
                    ),
                );
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
    problems
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

/// Writes the pack as a directory (the inverse of [`load_dir`]).
pub fn write_dir(pack: &Pack, dir: &Path) -> std::io::Result<()> {
    let toml_text = |v: &dyn erased::Ser| v.to_toml();
    for sub in ["intents", "articles", "templates", "connectors", "business"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    std::fs::write(dir.join("pack.toml"), toml_text(&pack.manifest)?)?;
    for intent in &pack.intents {
        std::fs::write(
            dir.join("intents").join(format!("{}.toml", intent.name)),
            toml_text(intent)?,
        )?;
    }
    for c in &pack.connectors {
        std::fs::write(
            dir.join("connectors").join(format!("{}.toml", c.name)),
            toml_text(c)?,
        )?;
    }
    for (name, source) in &pack.templates {
        std::fs::write(dir.join("templates").join(format!("{name}.j2")), source)?;
    }
    for a in &pack.articles {
        let tags = a.tags.join(", ");
        let text = format!(
            "---\ntitle: {}\ntags: [{tags}]\nurl: {}\n---\n\n{}\n",
            a.title, a.url, a.body
        );
        std::fs::write(dir.join("articles").join(format!("{}.md", a.slug)), text)?;
    }
    for (name, sql) in &pack.seeds {
        std::fs::write(dir.join("business").join(name), sql)?;
    }
    Ok(())
}

mod erased {
    /// Serialises any pack part to TOML (object-safe, for `write_dir`).
    pub trait Ser {
        fn to_toml(&self) -> std::io::Result<String>;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_toml(&self) -> std::io::Result<String> {
            toml::to_string_pretty(self).map_err(|e| std::io::Error::other(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::model::CannedReply;

    #[test]
    fn canned_replies_need_a_title_a_text_and_unique_titles() {
        let text = r#"
name = "p"
[texts]
disclosure = "bot"
handoff = "h"
rephrase = "r"
not_found = "n"

[[canned_replies]]
title = "Hello"
text = "Hi there"
"#;
        let manifest: crate::pack::model::PackManifest = toml::from_str(text).unwrap();
        assert_eq!(
            manifest.canned_replies,
            vec![CannedReply {
                title: "Hello".into(),
                text: "Hi there".into()
            }]
        );
        let mut pack = Pack {
            manifest,
            intents: Vec::new(),
            articles: Vec::new(),
            templates: BTreeMap::new(),
            connectors: Vec::new(),
            seeds: BTreeMap::new(),
        };
        assert_eq!(validate(&pack), Vec::new());
        pack.manifest.canned_replies.push(CannedReply {
            title: "hello ".into(),
            text: "again".into(),
        });
        pack.manifest.canned_replies.push(CannedReply {
            title: " ".into(),
            text: " ".into(),
        });
        let problems: Vec<String> = validate(&pack).iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].contains("two canned replies have the title `hello`"),
            "{problems:?}"
        );
        assert!(problems[1].contains("needs a `title`"), "{problems:?}");
        assert!(problems[2].contains("needs a `text`"), "{problems:?}");
        // Without any, nothing is written and nothing is needed.
        let none: crate::pack::model::PackManifest =
            toml::from_str(text.split("[[canned").next().unwrap()).unwrap();
        assert!(none.canned_replies.is_empty());
        assert!(!toml::to_string(&none).unwrap().contains("canned_replies"));
    }
}
