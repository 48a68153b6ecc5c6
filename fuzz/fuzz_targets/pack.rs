//! The pack parser: `pack.toml`, an intent file, a connector file, a knowledge article (front
//! matter and markdown body) and a template, each parsed on its own, then read as a pack directory
//! the way `tandem import` reads one (`pack::load_dir`, which validates the pack, templates
//! included, with `pack::validate`'s rules); a parsed article is also split into passages,
//! indexed into a knowledge base and searched. The question is also read as the widget's texts
//! for a language (`widget/de.toml`) and as an `Accept-Language` header.
//!
//! Input: six parts separated by NUL bytes, in this order: `pack.toml`, `intents/*.toml`,
//! `connectors/*.toml`, `articles/*.md`, `templates/*.j2`, a customer question for the knowledge
//! base. Missing parts are empty; an empty file part is left out of the pack directory.
//!
//! The only invariant is "never panics": every refusal must be an error value (a problem list).
#![no_main]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tandem_engine::knowledge::KnowledgeBase;
use tandem_engine::pack::model::{ConnectorDef, IntentDef, PackManifest};
use tandem_engine::pack::rules::{check_name, Name};
use tandem_engine::pack::{self, load::parse_article, Pack};

/// A manifest that parses, used when the input's `pack.toml` does not (or is empty), so the other
/// parts still reach validation. The seed file name matches the business file every pack dir here gets.
const FALLBACK_MANIFEST: &str = r#"
name = "fuzz"
[texts]
disclosure = "You are chatting with a bot."
handoff = "h"
rephrase = "r"
not_found = "n"
[databases.business]
seed = "seed.sql"
[routing]
default_team = "support"
[[routing.teams]]
name = "support"
"#;

/// The article's slug (its file stem) and the business seed file every pack here has.
const SLUG: &str = "article";
const SEED: &str = "seed.sql";

/// A scratch pack directory for this process, under `TMPDIR` (scripts/fuzz points it at a
/// directory it removes afterwards). Only the fixed file names below are ever written in it.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tandem-fuzz-pack-{}", std::process::id()));
        for sub in ["intents", "connectors", "articles", "templates", "business", "widget"] {
            if let Err(e) = std::fs::create_dir_all(dir.join(sub)) {
                panic!("cannot create the scratch pack directory {}: {e}", dir.display());
            }
        }
        dir
    })
}

/// Writes `text` to `rel` in the scratch pack, or removes the file when `text` is empty.
fn put(rel: &str, text: &str) {
    let path = scratch().join(rel);
    let done = if text.is_empty() {
        std::fs::remove_file(&path).or_else(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Ok(()),
            _ => Err(e),
        })
    } else {
        std::fs::write(&path, text)
    };
    if let Err(e) = done {
        panic!("cannot write the scratch pack file {}: {e}", path.display());
    }
}

fuzz_target!(|data: &[u8]| {
    let input = tandem_fuzz::text(data);
    let [manifest_text, intent_text, connector_text, article_text, template_text, question] =
        tandem_fuzz::parts(&input, 6)[..]
    else {
        return;
    };

    // Each file on its own, as the loader parses it.
    let manifest = toml::from_str::<PackManifest>(manifest_text).ok();
    let intent = toml::from_str::<IntentDef>(intent_text).ok();
    let connector = toml::from_str::<ConnectorDef>(connector_text).ok();
    let article = parse_article(SLUG, article_text).ok();
    // The template is named as the intent names it (when that is a usable file name), so that the
    // intent's reference to it resolves and validation goes on past it.
    let template_name = intent
        .as_ref()
        .and_then(|i| i.template.clone())
        .filter(|t| check_name(t, Name::Template).is_ok())
        .unwrap_or_else(|| "reply".to_owned());

    // The same parts as a pack directory, read by the loader, which parses the files again,
    // reports problems by line and validates the pack when `pack.toml` parses (an empty one stands
    // for the fallback manifest). When it does not parse, the parts are validated with the
    // fallback manifest as a pack that did not come from files. Validation (which redacts every
    // example) runs once per input: it is the costly part.
    if manifest.is_none() && !manifest_text.is_empty() {
        let manifest = match toml::from_str::<PackManifest>(FALLBACK_MANIFEST) {
            Ok(m) => m,
            Err(e) => panic!("the fallback manifest does not parse: {e}"),
        };
        let built = Pack {
            manifest,
            intents: intent.into_iter().collect(),
            articles: article.clone().into_iter().collect(),
            templates: BTreeMap::from([(template_name.clone(), template_text.to_owned())]),
            connectors: connector.into_iter().collect(),
            seeds: BTreeMap::from([(SEED.to_owned(), String::new())]),
            widget: BTreeMap::new(),
            eval: Vec::new(),
            practice: Vec::new(),
            offers: Vec::new(),
        };
        let _ = pack::validate(&built);
    }

    // An empty `pack.toml` part stands for the fallback one, so inputs without a manifest still
    // reach the loader's validation of files.
    put(
        "pack.toml",
        if manifest_text.is_empty() {
            FALLBACK_MANIFEST
        } else {
            manifest_text
        },
    );
    put("intents/fuzz.toml", intent_text);
    put("connectors/fuzz.toml", connector_text);
    put(&format!("articles/{SLUG}.md"), article_text);
    let template_file = format!("templates/{template_name}.j2");
    put(&template_file, template_text);
    put(&format!("business/{SEED}"), "SELECT 1;");
    put("widget/de.toml", question);
    let loaded = pack::load_dir(scratch());
    put(&template_file, "");
    put("widget/de.toml", "");
    // The languages a browser asks for, and the texts chosen for them.
    let wanted = pack::widget::accepted_languages(question);
    if let Ok(texts) = toml::from_str::<BTreeMap<String, String>>(question) {
        let _ = pack::widget::check_language("de", &texts);
        let _ = pack::widget::choose(&BTreeMap::from([("de".to_owned(), texts)]), "en", &wanted);
    }
    if let Err(errors) = &loaded {
        // Problems render with their file and line.
        let _ = errors.to_string();
    }

    // A parsed article is split into passages, indexed and searched.
    if let Some(article) = article {
        if let Ok(kb) = KnowledgeBase::build(&[article]) {
            let tags: Vec<String> = Vec::new();
            let _ = kb.search(question, &tags, 3);
            let _ = kb.answer(question, &tags);
        }
    }
});
