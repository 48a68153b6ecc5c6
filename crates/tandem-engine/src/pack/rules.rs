//! The rules single values of a pack follow (names, examples, thresholds, texts, canned
//! replies, the bot's disclosure), in one place: the pack validation and the content editor both
//! call them, and each refusal carries its error code.

use std::collections::BTreeSet;

use tandem_core::{Error, ErrorCode};

use super::model::CannedReply;
use crate::Result;

pub const MAX_EXAMPLE_CHARS: usize = 500;
pub const MAX_TEXT_CHARS: usize = 4000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_ARTICLE_CHARS: usize = 100_000;
pub const MAX_TEMPLATE_CHARS: usize = 20_000;
pub const MAX_CANNED_REPLIES: usize = 200;
pub const MAX_NAME_CHARS: usize = 80;
/// The longest label of a choice (a button under a bot question).
pub const MAX_CHOICE_LABEL_CHARS: usize = 80;

/// How much work one template render may do (minijinja fuel: about one unit per instruction).
/// Plenty for a reply that lists an order's lines; a nested loop of thousands is stopped.
pub const TEMPLATE_FUEL: u64 = 50_000;
/// The longest text a template may render (a bot message, a connector request).
pub const MAX_RENDERED_CHARS: usize = 8_000;

/// The one way templates are compiled and rendered: with bounded work ([`TEMPLATE_FUEL`]).
pub fn template_environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_fuel(Some(TEMPLATE_FUEL));
    env
}

/// Output a render may write, in bytes: what `MAX_RENDERED_CHARS` characters take at most.
const MAX_RENDERED_BYTES: usize = MAX_RENDERED_CHARS * 4;

/// The output of a render: refuses to grow past `MAX_RENDERED_BYTES`, so the render stops (with a
/// `WriteFailure`) as soon as it writes too much, not after writing gigabytes within its fuel.
struct CappedOutput(Vec<u8>);

impl std::io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len().saturating_add(buf.len()) > MAX_RENDERED_BYTES {
            return Err(std::io::Error::other("the rendered text is too long"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders with the output capped (see [`CappedOutput`]).
pub(crate) fn render_capped<S: serde::Serialize + ?Sized>(
    template: &minijinja::Template<'_, '_>,
    context: &S,
) -> std::result::Result<String, minijinja::Error> {
    let mut out = CappedOutput(Vec::new());
    template.render_captured_to(context, &mut out)?;
    String::from_utf8(out.0).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "the output is not UTF-8").with_source(e)
    })
}

/// Renders a compiled template with bounded work and output: the text, or why not.
pub fn render_bounded(
    template: &minijinja::Template<'_, '_>,
    context: &serde_json::Value,
) -> std::result::Result<String, String> {
    let text = render_capped(template, context).map_err(|e| match e.kind() {
        minijinja::ErrorKind::OutOfFuel => "it does too much work (a loop too long?)".to_owned(),
        minijinja::ErrorKind::WriteFailure => {
            format!("it renders more than {MAX_RENDERED_CHARS} characters")
        }
        _ => e.to_string(),
    })?;
    if text.chars().count() > MAX_RENDERED_CHARS {
        return Err(format!("it renders more than {MAX_RENDERED_CHARS} characters"));
    }
    Ok(text)
}

/// Compiles a template and renders it once with no values, so one that always does too much work
/// or writes too much is refused where it is saved, not when a customer meets it.
pub fn check_template(name: &str, source: &str) -> Result<()> {
    let mut env = template_environment();
    env.add_template_owned(name.to_owned(), source.to_owned())
        .map_err(|e| {
            let at = e.line().map(|l| format!(" at line {l}")).unwrap_or_default();
            let detail = e
                .detail()
                .map(ToOwned::to_owned)
                .unwrap_or_else(|| e.kind().to_string());
            Error::invalid(
                ErrorCode::InvalidTemplate,
                format!("the template does not compile{at}: {detail}"),
            )
        })?;
    let template = env
        .get_template(name)
        .map_err(|e| Error::invalid(ErrorCode::InvalidTemplate, e.to_string()))?;
    let too_long = || {
        Error::invalid(
            ErrorCode::InvalidTemplate,
            format!("the template renders more than {MAX_RENDERED_CHARS} characters"),
        )
    };
    match render_capped(&template, &serde_json::json!({})) {
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(Error::invalid(
            ErrorCode::InvalidTemplate,
            "the template does too much work (a loop too long?)",
        )),
        Err(e) if e.kind() == minijinja::ErrorKind::WriteFailure => Err(too_long()),
        Ok(text) if text.chars().count() > MAX_RENDERED_CHARS => Err(too_long()),
        // Other render errors need the values a real reply has (an order's fields).
        _ => Ok(()),
    }
}

/// The kinds of name a pack uses, each with its characters and error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    Intent,
    Slug,
    Tag,
    Template,
}

impl Name {
    fn separators(self) -> &'static [char] {
        match self {
            Name::Intent => &['_'],
            Name::Slug | Name::Tag | Name::Template => &['-', '_'],
        }
    }
}

/// Lower-case letters, digits and the kind's separators; 1 to `MAX_NAME_CHARS` characters.
pub fn check_name(name: &str, kind: Name) -> Result<()> {
    let separators = kind.separators();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separators.contains(&c));
    if ok {
        return Ok(());
    }
    let (code, message) = match kind {
        Name::Intent => (
            ErrorCode::InvalidIntentName,
            format!("an intent name is 1 to {MAX_NAME_CHARS} lower-case letters, digits and `_`"),
        ),
        Name::Slug => (
            ErrorCode::InvalidSlug,
            format!("a slug is 1 to {MAX_NAME_CHARS} lower-case letters, digits, `-` and `_`"),
        ),
        Name::Tag => (
            ErrorCode::InvalidTag,
            format!("tag \"{name}\": a tag is lower-case letters, digits, `-` and `_`"),
        ),
        Name::Template => (
            ErrorCode::InvalidTemplateName,
            format!("a template name is 1 to {MAX_NAME_CHARS} lower-case letters, digits, `-` and `_`"),
        ),
    };
    Err(Error::invalid(code, message))
}

/// Trimmed, non-empty, at most `max` characters.
pub fn required_text(value: &str, max: usize, code: ErrorCode, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(code, format!("{what} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            code,
            format!("{what} is longer than {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// An intent's label (how the bot offers it as a choice): one line of 1 to
/// [`MAX_CHOICE_LABEL_CHARS`] characters.
pub fn check_label(label: &str) -> Result<String> {
    one_line(
        label,
        MAX_CHOICE_LABEL_CHARS,
        ErrorCode::InvalidLabel,
        "the label",
    )
}

/// A one-line text (titles, names): no line breaks or other control characters.
pub fn one_line(value: &str, max: usize, code: ErrorCode, what: &str) -> Result<String> {
    let value = required_text(value, max, code, what)?;
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(code, format!("{what} must be one line")));
    }
    Ok(value)
}

/// Whether the disclosure says that a bot is speaking.
pub fn discloses_bot(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("virtual assistant") || lower.contains("automated") {
        return true;
    }
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "bot" | "bots" | "chatbot" | "ai"))
}

/// A training example as it is kept: trimmed, not empty, not too long, personal data redacted.
pub fn check_example(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(
            ErrorCode::EmptyExample,
            "the example must not be empty",
        ));
    }
    if text.chars().count() > MAX_EXAMPLE_CHARS {
        return Err(Error::invalid(
            ErrorCode::InvalidExample,
            format!("an example is at most {MAX_EXAMPLE_CHARS} characters"),
        ));
    }
    // A training example is kept in every pack revision and learned by the model: it holds no
    // personal data (a pasted customer message keeps its words, not their e-mail or card number).
    Ok(crate::privacy::redact(text))
}

pub fn check_threshold(threshold: Option<f32>) -> Result<()> {
    match threshold {
        Some(t) if !(0.0..=1.0).contains(&t) || !t.is_finite() => Err(Error::invalid(
            ErrorCode::InvalidThreshold,
            "threshold must be between 0 and 1",
        )),
        _ => Ok(()),
    }
}

pub fn check_canned(replies: &[CannedReply]) -> Result<Vec<CannedReply>> {
    if replies.len() > MAX_CANNED_REPLIES {
        return Err(Error::invalid(
            ErrorCode::InvalidCannedReply,
            format!("at most {MAX_CANNED_REPLIES} canned replies"),
        ));
    }
    let mut titles = BTreeSet::new();
    let mut out = Vec::with_capacity(replies.len());
    for r in replies {
        let title = one_line(
            &r.title,
            MAX_TITLE_CHARS,
            ErrorCode::InvalidCannedReply,
            "a canned reply's title",
        )?;
        let text = required_text(
            &r.text,
            MAX_TEXT_CHARS,
            ErrorCode::InvalidCannedReply,
            "a canned reply's text",
        )?;
        // Its variables (`{{customer.first_name}}`) are read like a reply template's.
        template_environment().template_from_str(&text).map_err(|e| {
            Error::invalid(
                ErrorCode::InvalidCannedReply,
                format!("the canned reply \"{title}\" has a variable that cannot be read: {e}"),
            )
        })?;
        if !titles.insert(title.to_lowercase()) {
            return Err(Error::conflict(
                ErrorCode::DuplicateCannedReply,
                format!("two canned replies have the title \"{title}\""),
            ));
        }
        out.push(CannedReply { title, text });
    }
    Ok(out)
}

/// The disclosure must tell customers they are talking to a bot.
pub fn check_disclosure(text: &str) -> Result<()> {
    if discloses_bot(text) {
        Ok(())
    } else {
        Err(Error::invalid(
            ErrorCode::DisclosureRequired,
            "the disclosure must tell customers they are talking to a bot (say \"bot\", \"virtual assistant\", \"automated\" or \"AI\")",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_that_does_too_much_work_or_writes_too_much_is_refused() {
        let nested = "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}";
        let err = check_template("loops", nested).unwrap_err();
        assert_eq!(err.code(), "invalid_template");
        assert!(err.to_string().contains("too much work"), "{err}");
        let long = "{% for i in range(900) %}0123456789{% endfor %}";
        assert!(check_template("long", long)
            .unwrap_err()
            .to_string()
            .contains("characters"));
        // Within its fuel a loop can write gigabytes (60 x 100 MB here): it is stopped as it writes.
        let huge = r#"{% for i in range(60) %}{{ "x" * 100000000 }}{% endfor %}"#;
        assert!(check_template("huge", huge)
            .unwrap_err()
            .to_string()
            .contains("characters"));
        let fine =
            "Your order {{ order_id }} is {{ row.status }}.{% for l in row.lines %} {{ l }}{% endfor %}";
        assert!(check_template("fine", fine).is_ok());
        // At run time the same bounds hold, whatever the values make the template do.
        let mut env = template_environment();
        env.add_template_owned(
            "lines",
            "{% for l in lines %}{% for m in lines %}.{% endfor %}{% endfor %}",
        )
        .unwrap();
        let t = env.get_template("lines").unwrap();
        let many: Vec<u32> = (0..2000).collect();
        let err = render_bounded(&t, &serde_json::json!({ "lines": many })).unwrap_err();
        assert!(err.contains("too much work"), "{err}");
        assert_eq!(
            render_bounded(&t, &serde_json::json!({ "lines": [1, 2] })).unwrap(),
            "...."
        );
    }

    #[test]
    fn the_disclosure_check_wants_a_word_for_a_bot() {
        assert!(discloses_bot("You're chatting with our virtual assistant."));
        assert!(discloses_bot("I am a BOT."));
        assert!(discloses_bot("An AI answers first."));
        assert!(discloses_bot("This is an automated service."));
        assert!(!discloses_bot("Hello, both of us are here to help, said Aiden."));
        assert!(!discloses_bot(""));
    }

    #[test]
    fn canned_reply_variables_must_be_readable() {
        let reply = |text: &str| CannedReply {
            title: "Hi".into(),
            text: text.into(),
        };
        assert!(check_canned(&[reply("Hi {{customer.first_name}}")]).is_ok());
        let err = check_canned(&[reply("Hi {{customer.")]).unwrap_err();
        assert_eq!(err.code(), "invalid_canned_reply");
    }

    #[test]
    fn canned_replies_need_titles_and_texts_and_unique_titles() {
        let ok = check_canned(&[CannedReply {
            title: " A ".into(),
            text: " b ".into(),
        }])
        .unwrap();
        assert_eq!(ok[0].title, "A");
        assert!(check_canned(&[CannedReply {
            title: "".into(),
            text: "b".into()
        }])
        .is_err());
        assert!(check_canned(&[CannedReply {
            title: "a".into(),
            text: "  ".into()
        }])
        .is_err());
        let dup = check_canned(&[
            CannedReply {
                title: "A".into(),
                text: "b".into(),
            },
            CannedReply {
                title: "a".into(),
                text: "c".into(),
            },
        ]);
        assert_eq!(dup.unwrap_err().code(), "duplicate_canned_reply");
    }
}
