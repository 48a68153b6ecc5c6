//! What the chat widget says to customers, in each language the pack ships: `widget/<lang>.toml`,
//! one file per language (`en.toml`, `de.toml`, `pt-br.toml`), each a table of `key = "text"`.
//!
//! Tandem knows every text in English ([`WIDGET_TEXTS`]); a pack overrides any of them and adds
//! languages. A text a language's file leaves out falls back to the pack's language
//! (`language` in `pack.toml`), then to Tandem's English, so a new Tandem version that adds a
//! text never breaks a pack. A text may use only the `{placeholders}` its key names.

use std::collections::BTreeMap;

/// Every text of the widget: its key, Tandem's English, and the placeholders it may use.
pub const WIDGET_TEXTS: &[(&str, &str, &[&str])] = &[
    ("page_title", "Chat", &[]),
    ("header_title", "Customer support", &[]),
    ("close_label", "Close the chat", &[]),
    ("status_idle", "We usually answer at once.", &[]),
    ("status_bot", "Our assistant (a bot) answers at once.", &[]),
    ("status_waiting", "A person will be with you shortly.", &[]),
    ("status_with_person", "A member of our team is with you.", &[]),
    (
        "status_closed",
        "This conversation is closed. Write to open it again.",
        &[],
    ),
    ("start_title", "Hello! How can we help?", &[]),
    (
        "start_intro",
        "Our assistant answers routine questions at once. A person is always one click away.",
        &[],
    ),
    ("name_label", "Your name", &[]),
    ("email_label", "Your e-mail address", &[]),
    ("start_button", "Start chat", &[]),
    (
        "start_missing",
        "Please tell us your name and e-mail address.",
        &[],
    ),
    ("privacy_title", "How we use your data", &[]),
    ("messages_label", "Messages", &[]),
    ("bot_typing", "The assistant is typing…", &[]),
    ("agent_typing", "{name} is typing…", &["name"]),
    ("team_typing", "Someone from our team is typing…", &[]),
    ("ask_person", "Talk to a person", &[]),
    ("person_request", "I would like to talk to a person, please.", &[]),
    ("message_label", "Your message", &[]),
    ("message_placeholder", "Write a message…", &[]),
    ("send", "Send", &[]),
    ("attach", "Attach a photo or PDF", &[]),
    ("attach_remove", "Remove {name}", &["name"]),
    ("attach_uploading", "Uploading {name}…", &["name"]),
    ("attach_image", "Photo: {name}", &["name"]),
    (
        "attach_open",
        "Open {name} ({size}) in a new tab",
        &["name", "size"],
    ),
    (
        "attach_failed",
        "The file could not be opened. Please try again.",
        &[],
    ),
    (
        "attach_refused",
        "The file could not be sent. Please try again.",
        &[],
    ),
    ("end_chat", "End chat on this device", &[]),
    ("you", "You", &[]),
    ("assistant", "Assistant", &[]),
    ("team", "Support team", &[]),
    ("bot_badge", "Bot", &[]),
    ("message_edited", "Edited", &[]),
    ("message_deleted", "This message was deleted.", &[]),
    ("sources", "Source:", &[]),
    ("choose_one", "Choose one", &[]),
    ("feedback_question", "Was this helpful?", &[]),
    ("feedback_yes", "Yes, this helped", &[]),
    ("feedback_no", "No, this did not help", &[]),
    (
        "feedback_thanks",
        "Thank you! Your answer helps our assistant learn.",
        &[],
    ),
    (
        "rating_question",
        "How did we do? Please rate this conversation.",
        &[],
    ),
    ("rating_score", "{score} out of 5", &["score"]),
    ("rating_low", "1 = poor", &[]),
    ("rating_high", "5 = excellent", &[]),
    (
        "rating_comment",
        "Anything you would like to tell us? (optional)",
        &[],
    ),
    ("rating_send", "Send rating", &[]),
    ("rating_pick", "Please choose from 1 to 5.", &[]),
    ("rating_thanks", "Thank you for your rating!", &[]),
    (
        "rating_given",
        "You rated this conversation {score} out of 5.",
        &["score"],
    ),
    ("rating_change", "Change my rating", &[]),
    (
        "offline",
        "We could not reach the chat. Please check your connection and try again.",
        &[],
    ),
    ("failed", "Something went wrong. Please try again.", &[]),
    (
        "email_invalid",
        "Please check your e-mail address: it does not look complete.",
        &[],
    ),
    (
        "rate_limited",
        "You are writing faster than we can keep up with. Please wait a moment and try again.",
        &[],
    ),
    ("launcher_label", "Open the chat with customer support", &[]),
    ("launcher_caption", "Chat with us", &[]),
    ("launcher_close", "Close chat", &[]),
    ("frame_title", "Chat with customer support", &[]),
    ("unread", "{count} new", &["count"]),
];

/// Tandem's own language, in which every text exists.
pub const BASE_LANGUAGE: &str = "en";

/// The longest text a key may have, in characters.
const MAX_TEXT_CHARS: usize = 600;

/// Whether `tag` is a language tag Tandem accepts as a file name: a 2-3 letter language,
/// optionally followed by subtags of 2-8 letters or digits (`de`, `pt-br`, `zh-hant`), lowercase.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    primary_ok
        && parts.all(|p| {
            (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The problems of one language's texts, as sentences naming the key.
pub fn check_language(tag: &str, texts: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    if !is_language_tag(tag) {
        problems.push(format!(
            "`{tag}` is not a language tag: name the file by a lowercase language such as `de` or `pt-br`"
        ));
    }
    for (key, text) in texts {
        let Some((_, _, allowed)) = WIDGET_TEXTS.iter().find(|(k, ..)| k == key) else {
            problems.push(format!("`{key}` is not a widget text (docs/packs.md lists them)"));
            continue;
        };
        if text.trim().is_empty() {
            problems.push(format!("`{key}` is empty"));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            problems.push(format!("`{key}` is longer than {MAX_TEXT_CHARS} characters"));
        }
        if text.chars().any(char::is_control) {
            problems.push(format!("`{key}` contains a control character"));
        }
        for name in placeholders(text) {
            if !allowed.contains(&name) {
                let known = if allowed.is_empty() {
                    "it takes none".to_owned()
                } else {
                    format!(
                        "it takes {}",
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                problems.push(format!(
                    "`{key}` uses {{{name}}}, which it does not know ({known})"
                ));
            }
        }
    }
    problems
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let (name, _) = rest.split_once('}')?;
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then_some(name)
    })
}

/// The widget's texts in one language, every key present.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WidgetTexts {
    /// The language chosen (a tag the pack has, or its fallback).
    pub language: String,
    pub texts: BTreeMap<String, String>,
}

impl WidgetTexts {
    /// One text (Tandem's English when the key is unknown to the pack; empty for no such key).
    pub fn get(&self, key: &str) -> &str {
        self.texts.get(key).map_or("", String::as_str)
    }
}

/// The texts for the first of the `wanted` languages (most preferred first) that the pack has,
/// matching a whole tag first, then its language alone (`de-at` finds `de`); otherwise in the
/// pack's own language. Each missing text comes from the pack's language, then Tandem's English.
pub fn choose(
    languages: &BTreeMap<String, BTreeMap<String, String>>,
    pack_language: &str,
    wanted: &[String],
) -> WidgetTexts {
    // A language is there when the pack has its file, or is written in it.
    let has = |tag: &str| languages.contains_key(tag) || tag == pack_language;
    let chosen = wanted
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .find_map(|w| {
            let primary = w.split('-').next().unwrap_or_default().to_owned();
            if has(&w) {
                Some(w)
            } else if has(&primary) {
                Some(primary)
            } else {
                None
            }
        })
        .unwrap_or_else(|| pack_language.to_owned());
    let mut texts: BTreeMap<String, String> = WIDGET_TEXTS
        .iter()
        .map(|(key, english, _)| ((*key).to_owned(), (*english).to_owned()))
        .collect();
    let layers = [BASE_LANGUAGE, pack_language, chosen.as_str()];
    for (i, layer) in layers.iter().enumerate() {
        // Each layer once, in order of precedence (lowest first).
        if layers.iter().take(i).any(|l| l == layer) {
            continue;
        }
        if let Some(own) = languages.get(*layer) {
            texts.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    // The language the texts are in: the chosen one's file, else the pack's, else Tandem's English.
    let language = [chosen.as_str(), pack_language]
        .into_iter()
        .find(|l| languages.contains_key(*l))
        .unwrap_or(BASE_LANGUAGE)
        .to_owned();
    WidgetTexts { language, texts }
}

/// The languages an `Accept-Language` header asks for, most preferred first (weights honoured,
/// `*` and malformed parts ignored).
pub fn accepted_languages(header: &str) -> Vec<String> {
    let mut weighted: Vec<(f32, usize, String)> = header
        .split(',')
        .take(20)
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| {
                    q.trim().parse::<f32>().ok().filter(|q| q.is_finite())
                })?;
            (weight > 0.0 && tag != "*" && !tag.is_empty() && tag.len() <= 35).then_some((weight, i, tag))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    weighted.into_iter().map(|(_, _, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(entries: &[(&str, &[(&str, &str)])]) -> BTreeMap<String, BTreeMap<String, String>> {
        entries
            .iter()
            .map(|(lang, texts)| {
                (
                    (*lang).to_owned(),
                    texts
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn every_key_is_unique_and_uses_only_its_placeholders() {
        let keys: std::collections::BTreeSet<_> = WIDGET_TEXTS.iter().map(|(k, ..)| k).collect();
        assert_eq!(keys.len(), WIDGET_TEXTS.len());
        let english: BTreeMap<String, String> = WIDGET_TEXTS
            .iter()
            .map(|(k, v, _)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert!(check_language("en", &english).is_empty());
    }

    #[test]
    fn a_language_is_chosen_by_tag_then_by_its_primary_language_then_the_packs() {
        let packs = langs(&[("de", &[("send", "Senden")]), ("pt-br", &[("send", "Enviar")])]);
        let want = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(choose(&packs, "en", &want(&["de-AT", "en"])).language, "de");
        assert_eq!(choose(&packs, "en", &want(&["pt-BR"])).language, "pt-br");
        assert_eq!(choose(&packs, "en", &want(&["fr", "en"])).language, "en");
        assert_eq!(choose(&packs, "de", &want(&["fr"])).language, "de");
        let german = choose(&packs, "en", &want(&["de"]));
        assert_eq!(german.get("send"), "Senden");
        // What German leaves out is said in English.
        assert_eq!(german.get("start_button"), "Start chat");
    }

    #[test]
    fn the_language_said_is_the_one_the_texts_are_in() {
        // A German pack without English texts speaks German to an English browser, and says so.
        let german = langs(&[("de", &[("send", "Senden")])]);
        let chosen = choose(&german, "de", &["en-US".to_owned()]);
        assert_eq!((chosen.language.as_str(), chosen.get("send")), ("de", "Senden"));
        // A pack with no widget texts at all speaks Tandem's English, whatever its language.
        let none = BTreeMap::new();
        let chosen = choose(&none, "de", &["de".to_owned()]);
        assert_eq!((chosen.language.as_str(), chosen.get("send")), ("en", "Send"));
    }

    #[test]
    fn a_missing_text_falls_back_to_the_packs_language_before_tandems_english() {
        let packs = langs(&[
            ("de", &[("send", "Senden"), ("start_button", "Chat starten")]),
            ("de-ch", &[("send", "Sänden")]),
        ]);
        let swiss = choose(&packs, "de", &["de-ch".to_owned()]);
        assert_eq!(swiss.get("send"), "Sänden");
        assert_eq!(swiss.get("start_button"), "Chat starten");
        assert_eq!(swiss.get("you"), "You");
    }

    #[test]
    fn unknown_keys_placeholders_and_bad_tags_are_refused_with_the_key() {
        let bad = langs(&[(
            "de",
            &[
                ("sned", "Senden"),
                ("unread", "{anzahl} neu"),
                ("send", " "),
                ("you", "Sie\u{7}"),
            ],
        )]);
        let problems = check_language("de", bad.get("de").unwrap());
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("`sned` is not a widget text")));
        assert!(problems
            .iter()
            .any(|p| p.contains("{anzahl}") && p.contains("{count}")));
        assert!(problems.iter().any(|p| p.contains("`send` is empty")));
        assert!(problems.iter().any(|p| p.contains("control character")));
        assert!(!check_language("DE", &BTreeMap::new()).is_empty());
        assert!(!check_language("deutsch", &BTreeMap::new()).is_empty());
        assert!(check_language("zh-hant", &BTreeMap::new()).is_empty());
    }

    #[test]
    fn accept_language_is_read_by_weight() {
        assert_eq!(
            accepted_languages("fr;q=0.5, de-DE, en;q=0.8, *;q=0.1, xx;q=0"),
            vec!["de-de", "en", "fr"]
        );
        assert_eq!(accepted_languages("en;q=abc, de"), vec!["de"]);
        assert!(accepted_languages("").is_empty());
    }

    #[test]
    fn the_demo_pack_says_every_text_in_english_and_german() {
        for (language, file) in [
            ("en", include_str!("../../../../packs/demo/widget/en.toml")),
            ("de", include_str!("../../../../packs/demo/widget/de.toml")),
        ] {
            let texts: BTreeMap<String, String> = toml::from_str(file).unwrap();
            assert_eq!(check_language(language, &texts), Vec::<String>::new());
            let missing: Vec<_> = WIDGET_TEXTS
                .iter()
                .filter(|(key, ..)| !texts.contains_key(*key))
                .map(|(key, ..)| key)
                .collect();
            assert!(missing.is_empty(), "{language}.toml lacks {missing:?}");
        }
    }
}
