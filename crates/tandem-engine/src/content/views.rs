//! The content as the admin and trainer pages show it.

use std::collections::BTreeSet;

use serde::Serialize;
use utoipa::ToSchema;

use crate::pack::model::{
    Article, BotTexts, CannedReply, ConnectorDef, ConnectorSpec, IntentDef, IntentKind, PolicySettings,
};
use crate::pack::Pack;

/// The whole editable content of the active pack.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContentView {
    /// The content revision these values are from: send it back as `If-Match` with an edit, so an
    /// edit made on an older revision is refused instead of overwriting what you have not seen.
    pub revision: String,
    pub name: String,
    pub version: String,
    pub texts: BotTexts,
    pub policy: PolicySettings,
    pub intents: Vec<IntentView>,
    pub articles: Vec<Article>,
    pub templates: Vec<TemplateView>,
    pub connectors: Vec<ConnectorView>,
    pub canned_replies: Vec<CannedReply>,
    /// The offers agents may make, with their eligibility rules (`offers/*.toml`).
    pub offers: Vec<crate::pack::offers::Offer>,
}

/// An intent as the trainer pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IntentView {
    pub name: String,
    pub description: String,
    /// How the bot offers it as a choice; the name spelled out when null.
    pub label: Option<String>,
    pub kind: IntentKind,
    /// Confidence needed to act; the policy's `min_confidence` when null.
    pub threshold: Option<f32>,
    pub examples: Vec<String>,
    pub connector: Option<String>,
    pub template: Option<String>,
    pub team: Option<String>,
    pub priority: Option<String>,
    /// After an edit of the intent: what happened to the intent model (a changed set of examples
    /// trains a candidate, made active only when the regression gate lets it through).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<crate::runtime::ModelOutcome>,
}

impl From<&IntentDef> for IntentView {
    fn from(i: &IntentDef) -> Self {
        Self {
            name: i.name.clone(),
            description: i.description.clone(),
            label: i.label.clone(),
            kind: i.kind,
            threshold: i.threshold,
            examples: i.examples.clone(),
            connector: i.connector.clone(),
            template: i.template.clone(),
            team: i.team.clone(),
            priority: i.priority.clone(),
            model: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TemplateView {
    pub name: String,
    /// minijinja source.
    pub body: String,
}

/// A connector, without its query or request details.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConnectorView {
    pub name: String,
    /// `sql` or `http`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The database name (`sql`) or the URL without its query string (`http`).
    pub target: String,
    /// The values the connector needs: slot names, `customer.email`, `customer.name`.
    pub params: Vec<String>,
    /// The result field holding the owner's e-mail address.
    pub owner_field: Option<String>,
}

impl From<&ConnectorDef> for ConnectorView {
    fn from(c: &ConnectorDef) -> Self {
        let (kind, target, params) = match &c.spec {
            ConnectorSpec::Sql { database, params, .. } => ("sql", database.clone(), params.clone()),
            ConnectorSpec::Http {
                url, headers, body, ..
            } => {
                let target = url.split('?').next().unwrap_or_default().trim().to_owned();
                let mut sources: Vec<&str> = vec![url.as_str()];
                sources.extend(headers.values().map(String::as_str));
                sources.extend(body.as_deref());
                ("http", target, template_variables(&sources))
            }
        };
        Self {
            name: c.name.clone(),
            kind: kind.to_owned(),
            target,
            params,
            owner_field: c.owner_field.clone(),
        }
    }
}

/// The values HTTP connector templates use, as parameter names (`order_id`, `customer.email`).
fn template_variables(sources: &[&str]) -> Vec<String> {
    let mut env = minijinja::Environment::new();
    let mut names = BTreeSet::new();
    for (i, source) in sources.iter().enumerate() {
        let name = i.to_string();
        if env
            .add_template_owned(name.clone(), (*source).to_owned())
            .is_err()
        {
            continue;
        }
        if let Ok(t) = env.get_template(&name) {
            for var in t.undeclared_variables(true) {
                let name = match var.split_once('.') {
                    Some(("slots", slot)) => slot.to_owned(),
                    _ if var == "slots" || var == "customer" => continue,
                    _ => var,
                };
                names.insert(name);
            }
        }
    }
    names.into_iter().collect()
}

impl ContentView {
    pub fn of(revision: &str, pack: &Pack) -> Self {
        let m = &pack.manifest;
        Self {
            revision: revision.to_owned(),
            name: m.name.clone(),
            version: m.version.clone(),
            texts: m.texts.clone(),
            policy: m.policy.clone(),
            intents: pack.intents.iter().map(IntentView::from).collect(),
            articles: pack.articles.clone(),
            templates: pack
                .templates
                .iter()
                .map(|(name, body)| TemplateView {
                    name: name.clone(),
                    body: body.clone(),
                })
                .collect(),
            connectors: pack.connectors.iter().map(ConnectorView::from).collect(),
            canned_replies: m.canned_replies.clone(),
            offers: pack.offers.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_connectors_list_the_values_their_templates_use() {
        let vars = template_variables(&[
            "https://x.example/o/{{ order_id }}?k=1",
            "{{ customer.email }} {{ slots.sku }}",
        ]);
        assert_eq!(vars, ["customer.email", "order_id", "sku"]);
    }
}
