//! Canned replies filled in for one conversation. A reply's text may name variables the way reply
//! templates do (`{{customer.first_name}}`, `{{agent.first_name}}`, `{{order.number}}`); they are
//! rendered with the templates' engine and bounds. A variable without a value stays in the text as
//! written, so the agent sees what to fill in instead of a gap in a sentence.

use serde_json::{json, Map, Value};
use tandem_core::decision::Decision;
use tandem_core::model::Conversation;

use crate::pack::model::CannedReply;
use crate::pack::rules::{render_bounded, template_environment};

/// The first word of a name ("Maria" of "Maria Lopez").
fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or_default()
}

/// The order the conversation is about, newest decision first: the `order_id` slot a bot turn
/// filled, else an order number found in a message.
fn known_order(decisions: &[Decision]) -> Option<String> {
    decisions.iter().rev().find_map(|d| {
        let slot = d
            .entities
            .pointer("/slots/order_id")
            .and_then(Value::as_str)
            .map(ToOwned::to_owned);
        slot.or_else(|| {
            d.entities
                .get("found")
                .and_then(Value::as_array)?
                .iter()
                .find(|e| e.get("kind").and_then(Value::as_str) == Some("order_number"))
                .and_then(|e| e.get("value"))
                .and_then(Value::as_str)
                .map(ToOwned::to_owned)
        })
    })
}

/// What canned replies may name for this conversation and agent (absent values are left out).
pub(crate) fn canned_context(conversation: &Conversation, agent: &str, decisions: &[Decision]) -> Value {
    let customer = &conversation.customer;
    let mut context = json!({
        "customer": {
            "first_name": first_name(&customer.name),
            "name": customer.name,
            "email": customer.email,
        },
        "agent": { "first_name": first_name(agent), "name": agent },
    });
    if let (Some(order), Some(map)) = (known_order(decisions), context.as_object_mut()) {
        map.insert("order".to_owned(), json!({ "number": order }));
    }
    context
}

/// Sets `path` (dotted) in `context` to `value` unless it already holds something.
fn set_missing(context: &mut Value, path: &str, value: &str) {
    let mut at = context;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let Some(map) = at.as_object_mut() else {
            return;
        };
        let last = i + 1 == parts.len();
        let entry = map.entry((*part).to_owned()).or_insert_with(|| {
            if last {
                Value::Null
            } else {
                Value::Object(Map::new())
            }
        });
        if last {
            if entry.is_null() || entry.as_str() == Some("") {
                *entry = Value::String(value.to_owned());
            }
            return;
        }
        at = entry;
    }
}

/// The reply's text with its variables filled from `context`; a variable without a value stays
/// as written (`{{order.number}}`), and a text that does not render is returned as it is.
pub fn fill(text: &str, context: &Value) -> String {
    let env = template_environment();
    let Ok(template) = env.template_from_str(text) else {
        return text.to_owned();
    };
    let mut context = context.clone();
    for variable in template.undeclared_variables(true) {
        set_missing(&mut context, &variable, &format!("{{{{{variable}}}}}"));
    }
    render_bounded(&template, &context).unwrap_or_else(|_| text.to_owned())
}

/// Every canned reply filled in for the context.
pub(crate) fn fill_all(replies: &[CannedReply], context: &Value) -> Vec<CannedReply> {
    replies
        .iter()
        .map(|r| CannedReply {
            title: r.title.clone(),
            text: fill(&r.text, context),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_fill_and_missing_ones_stay_visible() {
        let context = json!({ "customer": { "first_name": "Maria" }, "agent": { "first_name": "" } });
        assert_eq!(
            fill(
                "Hi {{customer.first_name}}, {{ agent.first_name }} here about {{order.number}}.",
                &context
            ),
            "Hi Maria, {{agent.first_name}} here about {{order.number}}."
        );
        assert_eq!(fill("No variables.", &context), "No variables.");
        assert_eq!(fill("Broken {{ customer.", &context), "Broken {{ customer.");
    }

    #[test]
    fn first_names_are_the_first_word() {
        assert_eq!(first_name("Maria Lopez"), "Maria");
        assert_eq!(first_name("  "), "");
    }
}
