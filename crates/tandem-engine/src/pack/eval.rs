//! The pack's evaluation messages (`eval/messages.csv`): customer messages with what the bot
//! should do with them. The model registry judges every candidate on them (the regression set);
//! `scripts/demo-eval.py` replays them against a running server. Optional: a pack without the file
//! has none.

use serde::{Deserialize, Serialize};

/// One evaluation message; every column is kept as written so an export writes the file back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalMessage {
    #[serde(default)]
    pub customer_email: String,
    pub text: String,
    #[serde(default)]
    pub expected_kind: String,
    /// The intent the message is of; empty when it is of none the pack has (out of scope, a
    /// request for a person).
    #[serde(default)]
    pub expected_intent: String,
    #[serde(default)]
    pub expected_handoff_reason: String,
    /// Where the row came from: empty for the pack's own messages, `review` for a relabelled
    /// customer message held out of training (see `tandem_engine::supervision::reviews`).
    #[serde(default)]
    pub source: String,
}

/// The `source` of a relabelled message held out of training.
pub const FROM_REVIEW: &str = "review";

impl EvalMessage {
    /// A relabelled customer message held out of training for the regression set.
    pub fn held_out(text: &str, intent: &str, kind: &str) -> Self {
        Self {
            text: text.to_owned(),
            expected_kind: kind.to_owned(),
            expected_intent: intent.to_owned(),
            source: FROM_REVIEW.to_owned(),
            ..Self::default()
        }
    }

    /// Whether this is a relabelled message held out of training.
    pub fn is_held_out(&self) -> bool {
        self.source == FROM_REVIEW
    }
}

/// The path of the file in a pack directory.
pub const EVAL_FILE: &str = "eval/messages.csv";

/// Parses the file; on error, the line and a message.
pub fn parse(text: &str) -> Result<Vec<EvalMessage>, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut messages = Vec::new();
    for row in reader.deserialize::<EvalMessage>() {
        match row {
            Ok(m) => messages.push(m),
            Err(e) => {
                let line = e
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(1);
                return Err((line, format!("not an evaluation row: {e}")));
            }
        }
    }
    Ok(messages)
}

/// Writes the file (the inverse of [`parse`]).
pub fn write(messages: &[EvalMessage]) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for m in messages {
        writer.serialize(m).map_err(std::io::Error::other)?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_and_writes_back() {
        let text = "customer_email,text,expected_kind,expected_intent,expected_handoff_reason\n\
                    a@x.org,\"Hey, has A1001 shipped yet?\",resolve,track_order,\n\
                    ,agent,handoff,,customer_request\n";
        let messages = parse(text).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].text, "Hey, has A1001 shipped yet?");
        assert_eq!(messages[0].expected_intent, "track_order");
        assert_eq!(messages[1].expected_intent, "");
        let written = String::from_utf8(write(&messages).unwrap()).unwrap();
        assert_eq!(parse(&written).unwrap(), messages);
        // A file without the `text` column is refused, with the line.
        assert_eq!(parse("customer_email\na@x.org\n").unwrap_err().0, 2);
    }
}
