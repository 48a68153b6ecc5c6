//! What the content editor receives, as it arrives from outside.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::pack::model::IntentKind;

/// A new intent.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntent {
    pub name: String,
    pub description: String,
    /// How the bot offers the intent as a choice when it is unsure ("Where is my order?").
    #[serde(default)]
    pub label: Option<String>,
    pub kind: IntentKind,
    pub examples: Vec<String>,
    #[serde(default)]
    pub threshold: Option<f32>,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// For `automated`: the connector to run.
    #[serde(default)]
    pub connector: Option<String>,
    /// For `automated` and `acknowledge`: the template to render.
    #[serde(default)]
    pub template: Option<String>,
}

/// A change to an intent; absent fields stay as they are, `null` clears an optional one.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentChange {
    #[serde(default)]
    pub description: Option<String>,
    /// How the bot offers the intent as a choice; null: the name spelled out.
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub label: Option<Option<String>>,
    #[serde(default)]
    pub kind: Option<IntentKind>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<f32>)]
    pub threshold: Option<Option<f32>>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub team: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub priority: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub connector: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub template: Option<Option<String>>,
}

/// An article to create or replace.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    pub title: String,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Where customers read it; when absent, the article keeps its address, or a new one gets the
    /// address of the other articles' help centre.
    #[serde(default)]
    pub url: Option<String>,
    /// Markdown.
    pub body: String,
}

/// Whether a PUT created something or replaced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Replaced,
}
