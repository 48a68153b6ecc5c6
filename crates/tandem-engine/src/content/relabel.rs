//! Examples that come from people's corrections. A relabelled customer message becomes a training
//! example (or, held out, an evaluation message) of its intent, without changing the active model:
//! relabels collect until a trainer trains a candidate. An accepted draft's questions become
//! examples in one edit, gated like any example edit.

use tandem_core::permission::Permission;

use super::validate::{check_example, duplicate_example, has_example, intent_mut};
use super::{Content, Edit};
use crate::auth::Staff;
use crate::pack::eval::EvalMessage;
use crate::pack::model::IntentKind;
use crate::runtime::{ModelChange, ModelOutcome};
use crate::Result;

/// What adding several examples in one edit did.
pub(crate) struct ExamplesAdded {
    pub added: Vec<String>,
    /// Those not added, with why (refused by the rules, or the intent has it already).
    pub skipped: Vec<(String, tandem_core::Error)>,
    /// What happened to the model (`None`: nothing was added, nothing changed).
    pub model: Option<ModelOutcome>,
}

impl Content<'_> {
    /// Adds a relabelled message (redacted already) to the intent's examples and, when
    /// `held_out`, to the regression set so training leaves it out. A message the intent has
    /// already is not added twice.
    pub(crate) async fn add_relabelled(
        &self,
        staff: &Staff,
        intent: &str,
        text: &str,
        held_out: bool,
    ) -> Result<()> {
        let text = check_example(text)?;
        self.edit_pack_with(
            staff,
            Permission::ManageModels,
            Edit::new(format!("intent:{intent}"), "example_relabelled"),
            ModelChange::Keep,
            |pack| {
                let normalized = tandem_nlu::text::normalize(&text);
                let def = intent_mut(pack, intent)?;
                let kind = expected_kind(def.kind);
                if !def
                    .examples
                    .iter()
                    .any(|e| tandem_nlu::text::normalize(e) == normalized)
                {
                    def.examples.push(text.clone());
                }
                let evaluated = pack
                    .eval
                    .iter()
                    .any(|m| tandem_nlu::text::normalize(&m.text) == normalized);
                if held_out && !evaluated {
                    pack.eval.push(EvalMessage::held_out(&text, intent, kind));
                }
                Ok(())
            },
        )
        .await?;
        Ok(())
    }
}

impl Content<'_> {
    /// Adds the texts the intent does not have yet as its examples, in one edit (one candidate,
    /// through the gate); the others are skipped with the reason [`Content::add_example`] would
    /// give. No edit at all when none is new.
    pub(crate) async fn add_examples(
        &self,
        staff: &Staff,
        intent: &str,
        texts: &[String],
    ) -> Result<ExamplesAdded> {
        staff.require(Permission::ManageContent)?;
        let bot = self.engine.runtime().running()?;
        let def = bot
            .intents
            .get(intent)
            .ok_or_else(|| super::validate::unknown_intent(intent))?;
        let mut added: Vec<String> = Vec::new();
        let mut skipped = Vec::new();
        for text in texts {
            match check_example(text) {
                Err(e) => skipped.push((text.clone(), e)),
                Ok(t)
                    if has_example(def, &t)
                        || added
                            .iter()
                            .any(|a| tandem_nlu::text::normalize(a) == tandem_nlu::text::normalize(&t)) =>
                {
                    skipped.push((text.clone(), duplicate_example(intent)));
                }
                Ok(t) => added.push(t),
            }
        }
        drop(bot);
        if added.is_empty() {
            return Ok(ExamplesAdded {
                added,
                skipped,
                model: None,
            });
        }
        let ((), model) = self
            .edit_pack_with(
                staff,
                Permission::ManageContent,
                Edit::new(format!("intent:{intent}"), "examples_added"),
                ModelChange::Gate,
                |pack| {
                    let def = intent_mut(pack, intent)?;
                    for text in &added {
                        if !has_example(def, text) {
                            def.examples.push(text.clone());
                        }
                    }
                    Ok(())
                },
            )
            .await?;
        Ok(ExamplesAdded {
            added,
            skipped,
            model: Some(model),
        })
    }
}

/// The decision an evaluation message of an intent of this kind expects.
fn expected_kind(kind: IntentKind) -> &'static str {
    match kind {
        IntentKind::Automated => "resolve",
        IntentKind::Faq => "answer",
        IntentKind::Human | IntentKind::OutOfScope => "handoff",
        IntentKind::Acknowledge => "acknowledge",
    }
}
