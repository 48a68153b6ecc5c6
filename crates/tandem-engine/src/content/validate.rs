//! What only the content editor checks: that a pack is installed and an intent exists; where a
//! new article links to. The rules values follow are the pack's ([`crate::pack::rules`]).

use tandem_core::{Error, ErrorCode};

use crate::pack::model::IntentDef;
pub(super) use crate::pack::rules::*;
use crate::pack::Pack;
use crate::Result;

pub(super) use crate::runtime::no_pack;

pub(super) fn unknown_intent(name: &str) -> Error {
    Error::not_found(format!("intent `{name}`"))
}

/// The pack's intent of this name, to change it.
/// Whether the intent has the example already (compared normalised).
pub(super) fn has_example(def: &IntentDef, text: &str) -> bool {
    let normalized = tandem_nlu::text::normalize(text);
    def.examples
        .iter()
        .any(|e| tandem_nlu::text::normalize(e) == normalized)
}

pub(super) fn duplicate_example(intent: &str) -> Error {
    Error::conflict(
        ErrorCode::DuplicateExample,
        format!("the intent `{intent}` already has this example"),
    )
}

pub(super) fn intent_mut<'p>(pack: &'p mut Pack, name: &str) -> Result<&'p mut IntentDef> {
    pack.intents
        .iter_mut()
        .find(|i| i.name == name)
        .ok_or_else(|| unknown_intent(name))
}

pub(super) fn optional_name(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The address a new article gets when none is given: the other articles' help centre.
pub(super) fn default_article_url(pack: &Pack, slug: &str) -> Option<String> {
    pack.articles
        .iter()
        .filter_map(|a| a.url.rsplit_once('/').map(|(base, _)| base))
        .find(|base| base.starts_with("http://") || base.starts_with("https://"))
        .map(|base| format!("{base}/{slug}"))
}
