//! A relabelled customer message becomes a training example (or, held out, an evaluation
//! message) of its intent, without changing the active model: relabels collect until a trainer
//! trains a candidate.

use tandem_core::permission::Permission;

use super::validate::{check_example, intent_mut};
use super::{Content, Edit};
use crate::auth::Staff;
use crate::pack::eval::EvalMessage;
use crate::pack::model::IntentKind;
use crate::runtime::ModelChange;
use crate::Result;

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

/// The decision an evaluation message of an intent of this kind expects.
fn expected_kind(kind: IntentKind) -> &'static str {
    match kind {
        IntentKind::Automated => "resolve",
        IntentKind::Faq => "answer",
        IntentKind::Human | IntentKind::OutOfScope => "handoff",
        IntentKind::Acknowledge => "acknowledge",
    }
}
