//! Reading a pack directory and checking it. Every problem is reported (not only the first), each
//! naming its file and, where it can, its line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::{Article, ConnectorDef, IntentDef, PackManifest};

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
    /// The widget's texts by language (`widget/<language>.toml`): key -> text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub widget: BTreeMap<String, BTreeMap<String, String>>,
    /// The evaluation messages (`eval/messages.csv`, optional): the model registry's regression set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eval: Vec<super::eval::EvalMessage>,
    /// The practice scenarios (`practice/*.toml`, optional), by file stem.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practice: Vec<super::practice::Scenario>,
    /// The offers agents may make (`offers/*.toml`, optional), by file stem.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<super::offers::Offer>,
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
    let mut widget = BTreeMap::new();
    for rel in l.files("widget", ".toml") {
        if let Some(texts) = l.toml::<BTreeMap<String, String>>(&rel) {
            widget.insert(stem(&rel), texts);
        }
    }
    let mut eval = Vec::new();
    if l.root.join(super::eval::EVAL_FILE).is_file() {
        if let Some(text) = l.read(super::eval::EVAL_FILE) {
            match super::eval::parse(&text) {
                Ok(messages) => eval = messages,
                Err((line, message)) => l.problem(super::eval::EVAL_FILE, Some(line), message),
            }
        }
    }
    let mut practice = Vec::new();
    for rel in l.files("practice", ".toml") {
        if let Some(mut scenario) = l.toml::<super::practice::Scenario>(&rel) {
            scenario.id = stem(&rel);
            for problem in super::practice::check(&scenario) {
                l.problem(&rel, None, problem);
            }
            practice.push(scenario);
        }
    }
    let mut offers = Vec::new();
    for rel in l.files("offers", ".toml") {
        if let Some(mut offer) = l.toml::<super::offers::Offer>(&rel) {
            offer.id = stem(&rel);
            offers.push(offer);
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
        widget,
        eval,
        practice,
        offers,
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
    l.problems
        .extend(super::validate::validate_with_files(&pack, &files));
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

/// Writes the pack as a directory (the inverse of [`load_dir`]).
pub fn write_dir(pack: &Pack, dir: &Path) -> std::io::Result<()> {
    let toml_text = |v: &dyn erased::Ser| v.to_toml();
    for sub in [
        "intents",
        "articles",
        "templates",
        "connectors",
        "business",
        "widget",
    ] {
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
    for (language, texts) in &pack.widget {
        std::fs::write(
            dir.join("widget").join(format!("{language}.toml")),
            toml_text(texts)?,
        )?;
    }
    if !pack.practice.is_empty() {
        std::fs::create_dir_all(dir.join("practice"))?;
    }
    for scenario in &pack.practice {
        let mut file = scenario.clone();
        file.id = String::new();
        std::fs::write(
            dir.join("practice").join(format!("{}.toml", scenario.id)),
            toml_text(&file)?,
        )?;
    }
    if !pack.offers.is_empty() {
        std::fs::create_dir_all(dir.join("offers"))?;
    }
    for offer in &pack.offers {
        let mut file = offer.clone();
        file.id = String::new();
        std::fs::write(
            dir.join("offers").join(format!("{}.toml", offer.id)),
            toml_text(&file)?,
        )?;
    }
    if !pack.eval.is_empty() {
        std::fs::create_dir_all(dir.join("eval"))?;
        std::fs::write(dir.join(super::eval::EVAL_FILE), super::eval::write(&pack.eval)?)?;
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
            widget: BTreeMap::new(),
            eval: Vec::new(),
            practice: Vec::new(),
            offers: Vec::new(),
        };
        let problems = |pack: &Pack| -> Vec<String> {
            crate::pack::validate(pack)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(problems(&pack), Vec::<String>::new());
        // The same rules as the content editor's (pack::rules), with the same words.
        pack.manifest.canned_replies.push(CannedReply {
            title: "hello ".into(),
            text: "again".into(),
        });
        let found = problems(&pack);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("two canned replies have the title \"hello\""),
            "{found:?}"
        );
        pack.manifest.canned_replies.pop();
        pack.manifest.canned_replies.push(CannedReply {
            title: " ".into(),
            text: " ".into(),
        });
        let found = problems(&pack);
        assert!(found[0].contains("title must not be empty"), "{found:?}");
        pack.manifest.canned_replies.pop();
        pack.manifest.texts.disclosure = "Hello!".into();
        let found = problems(&pack);
        assert!(
            found[0].contains("talking to a bot"),
            "an imported pack must disclose the bot too: {found:?}"
        );
        // Without any, nothing is written and nothing is needed.
        let none: crate::pack::model::PackManifest =
            toml::from_str(text.split("[[canned").next().unwrap()).unwrap();
        assert!(none.canned_replies.is_empty());
        assert!(!toml::to_string(&none).unwrap().contains("canned_replies"));
    }
}
