//! What customers are told about their data, before they write: the widget's privacy notice.

use serde::Serialize;
use utoipa::ToSchema;

use super::Privacy;

/// The privacy notice of the widget.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PrivacyNotice {
    /// What is stored, for how long, and the customer's rights.
    pub text: String,
    /// That a bot answers first (the pack's disclosure).
    pub bot_disclosure: String,
    /// How many days a resolved conversation is kept.
    pub retention_days: u32,
}

/// Said when the pack has no disclosure of its own (no pack installed yet).
const DEFAULT_DISCLOSURE: &str = "You are chatting with our virtual assistant, a bot.";

fn default_text(days: u32) -> String {
    format!(
        "We keep this conversation, your name and your e-mail address to answer you, and erase them \
         {days} days after the conversation is resolved. Payment details are hidden before anything \
         is stored. Our virtual assistant (a bot) answers first; you can ask for a person at any \
         time. You may ask us for a copy of your data or to erase it."
    )
}

impl Privacy<'_> {
    /// The privacy notice: the pack's text when it has one, else Tandem's, with the configured
    /// retention period.
    pub fn notice(&self) -> PrivacyNotice {
        let days = self.engine.config.retention_days;
        let texts = self.engine.runtime().bot().map(|b| b.pack.manifest.texts.clone());
        PrivacyNotice {
            text: texts
                .as_ref()
                .and_then(|t| t.privacy.clone())
                .unwrap_or_else(|| default_text(days)),
            bot_disclosure: texts
                .map(|t| t.disclosure)
                .unwrap_or_else(|| DEFAULT_DISCLOSURE.to_owned()),
            retention_days: days,
        }
    }
}
