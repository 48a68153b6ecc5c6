//! Content packs: loading, validation problems that name their file and line, export round trip.

use std::path::Path;

use tandem_engine::pack::{load_dir, validate, write_dir, PackErrors, PackProblem};

use crate::support::{demo_dir, demo_pack, engine, rule_pack};

/// Ten distinct examples, as a TOML array.
const TEN_EXAMPLES: &str = r#"[
    "When are you open?", "what are your opening hours", "Are you open on Sunday?",
    "what time do you close today", "What time does the bakery open?", "open on holidays?",
    "hours on saturday?", "Until when can I come by?", "open late on fridays?", "opening times please",
]"#;

/// The rule pack written to a fresh directory, changed by `edit`, then loaded: its problems.
fn problems_after(edit: impl FnOnce(&Path)) -> PackErrors {
    let dir = tempfile::tempdir().unwrap();
    write_dir(&rule_pack(5), dir.path()).unwrap();
    load_dir(dir.path()).unwrap_or_else(|e| panic!("the untouched rule pack must load: {e}"));
    edit(dir.path());
    match load_dir(dir.path()) {
        Ok(_) => panic!("the broken pack loaded"),
        Err(e) => e,
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    std::fs::write(dir.join(rel), text).unwrap();
}

/// The one problem of a pack with one problem.
fn only(errors: &PackErrors) -> &PackProblem {
    assert_eq!(errors.0.len(), 1, "{errors}");
    &errors.0[0]
}

#[test]
fn the_demo_pack_loads_and_is_valid() {
    let pack = load_dir(&demo_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pack.manifest.name, "acme-outfitters");
    for name in [
        "track_order",
        "resend_invoice",
        "reset_password",
        "account_balance",
        "return_policy",
        "shipping_times",
        "billing_dispute",
        "product_defect",
        "complaint",
    ] {
        assert!(pack.intents.iter().any(|i| i.name == name), "intent {name}");
    }
    assert!(
        pack.articles
            .iter()
            .any(|a| a.tags.iter().any(|t| t == "returns")),
        "a return policy article"
    );
    assert!(pack
        .seeds
        .values()
        .any(|sql| sql.contains("maria.rossi@example.com") && sql.contains("A1001")));
    assert!(pack.intents.iter().all(|i| i.examples.len() >= 10));
    assert_eq!(validate(&pack), Vec::new());
}

#[test]
fn write_dir_then_load_dir_gives_the_same_pack() {
    let pack = demo_pack();
    let dir = tempfile::tempdir().unwrap();
    write_dir(&pack, dir.path()).unwrap();
    assert!(dir.path().join("pack.toml").is_file());
    assert!(dir.path().join("intents/track_order.toml").is_file());
    let again = load_dir(dir.path()).unwrap_or_else(|e| panic!("the exported pack does not load: {e}"));
    assert_eq!(again.manifest, pack.manifest);
    assert_eq!(again.intents, pack.intents);
    assert_eq!(again.connectors, pack.connectors);
    assert_eq!(again.templates, pack.templates);
    assert_eq!(again.seeds, pack.seeds);
    assert_eq!(again.articles, pack.articles);
    assert_eq!(again, pack);

    // The in-code rule pack round-trips too.
    let rules = rule_pack(3);
    let dir = tempfile::tempdir().unwrap();
    write_dir(&rules, dir.path()).unwrap();
    assert_eq!(load_dir(dir.path()).unwrap_or_else(|e| panic!("{e}")), rules);
}

#[test]
fn a_toml_syntax_error_names_the_file_and_line() {
    let errors = problems_after(|dir| {
        let text =
            format!("name = \"x\"\ndescription = \"an intent\"\nkind = faq\nexamples = {TEN_EXAMPLES}\n");
        write(dir, "intents/x.toml", &text);
    });
    let p = only(&errors);
    assert_eq!((p.file.as_str(), p.line), ("intents/x.toml", Some(3)), "{p}");
    assert!(errors.to_string().contains("intents/x.toml line 3:"), "{errors}");

    // In pack.toml too.
    let errors = problems_after(|dir| {
        let text = std::fs::read_to_string(dir.join("pack.toml")).unwrap();
        write(
            dir,
            "pack.toml",
            &format!("{text}\n[policy\nmin_confidence = 0.4\n"),
        );
    });
    assert!(
        errors.0.iter().any(|p| p.file == "pack.toml" && p.line.is_some()),
        "{errors}"
    );
}

#[test]
fn an_unknown_key_is_refused_with_file_and_line() {
    let errors = problems_after(|dir| {
        let text = format!(
            "name = \"opening_hours\"\ndescription = \"hours\"\nkind = \"faq\"\nexmples = {TEN_EXAMPLES}\n"
        );
        write(dir, "intents/opening_hours.toml", &text);
    });
    let text = errors.to_string();
    assert!(text.contains("intents/opening_hours.toml line 4:"), "{text}");
    assert!(text.contains("unknown field `exmples`"), "{text}");

    // Unknown keys in pack.toml and in connectors are refused as well.
    let errors = problems_after(|dir| {
        let text = std::fs::read_to_string(dir.join("pack.toml")).unwrap();
        write(dir, "pack.toml", &format!("colour = \"blue\"\n{text}"));
    });
    let p = only(&errors);
    assert_eq!((p.file.as_str(), p.line), ("pack.toml", Some(1)), "{p}");
    assert!(p.message.contains("colour"), "{p}");
    let errors = problems_after(|dir| {
        let text = std::fs::read_to_string(dir.join("connectors/order_lookup.toml")).unwrap();
        write(
            dir,
            "connectors/order_lookup.toml",
            &format!("{text}\ntimeout = 5\n"),
        );
    });
    assert!(
        errors
            .0
            .iter()
            .any(|p| p.file == "connectors/order_lookup.toml" && p.message.contains("timeout")),
        "{errors}"
    );
}

#[test]
fn an_automated_intent_needs_a_connector() {
    let errors = problems_after(|dir| {
        let text = format!(
            "name = \"pickup\"\ndescription = \"pick up\"\nkind = \"automated\"\ntemplate = \"order_status\"\n\
             examples = {TEN_EXAMPLES}\n"
        );
        write(dir, "intents/pickup.toml", &text);
    });
    let p = only(&errors);
    assert_eq!(p.file, "intents/pickup.toml", "{p}");
    assert!(p.message.contains("needs a `connector`"), "{p}");

    // A connector that does not exist is named.
    let errors = problems_after(|dir| {
        let text = format!(
            "name = \"pickup\"\ndescription = \"pick up\"\nkind = \"automated\"\ntemplate = \"order_status\"\n\
             connector = \"oven\"\nexamples = {TEN_EXAMPLES}\n"
        );
        write(dir, "intents/pickup.toml", &text);
    });
    assert!(
        errors
            .to_string()
            .contains("intents/pickup.toml: connector `oven` does not exist"),
        "{errors}"
    );
}

/// A connector's name becomes a file name when the pack is exported: one that could leave the
/// `connectors/` directory (`../../x`) is refused when the pack loads.
#[test]
fn a_connector_name_that_is_not_a_slug_is_refused() {
    let errors = problems_after(|dir| {
        let text = std::fs::read_to_string(dir.join("connectors/order_lookup.toml")).unwrap();
        let renamed = text.replace("name = \"order_lookup\"", "name = \"../../outside\"");
        assert_ne!(renamed, text, "the rule pack's connector is named order_lookup");
        write(dir, "connectors/order_lookup.toml", &renamed);
        let intent = std::fs::read_to_string(dir.join("intents/order_status.toml")).unwrap();
        let intent = intent.replace("connector = \"order_lookup\"", "connector = \"../../outside\"");
        write(dir, "intents/order_status.toml", &intent);
    });
    let p = only(&errors);
    assert_eq!(p.file, "connectors/order_lookup.toml", "{p}");
    assert!(p.message.contains("a slug is"), "{p}");
}

/// One out-of-scope intent at most, and it is never acted on (no connector, template or slots).
#[test]
fn out_of_scope_intents_are_checked() {
    let oos = |name: &str, extra: &str| {
        format!(
            "name = \"{name}\"\ndescription = \"off topic\"\nkind = \"out_of_scope\"\n{extra}examples = {TEN_EXAMPLES}\n"
        )
    };
    let errors = problems_after(|dir| {
        write(
            dir,
            "intents/chitchat.toml",
            &oos("chitchat", "template = \"order_status\"\n"),
        );
    });
    let p = only(&errors);
    assert!(p.message.contains("never acted on"), "{p}");
    let errors = problems_after(|dir| {
        write(dir, "intents/chitchat.toml", &oos("chitchat", ""));
        write(dir, "intents/smalltalk.toml", &oos("smalltalk", ""));
    });
    assert!(errors.to_string().contains("at most one intent"), "{errors}");
}

#[test]
fn a_template_that_does_not_compile_is_named() {
    let errors = problems_after(|dir| {
        write(
            dir,
            "templates/order_status.j2",
            "Your order\n{% if row.status %}\nis {{ row.status }}\n",
        );
    });
    let p = only(&errors);
    assert_eq!(p.file, "templates/order_status.j2", "{p}");
    assert!(p.message.contains("does not compile"), "{p}");
    assert!(p.message.contains("(line "), "the line in the template: {p}");
}

#[test]
fn an_article_without_front_matter_is_refused() {
    let errors = problems_after(|dir| {
        write(
            dir,
            "articles/hours.md",
            "# Opening hours\n\nWe are open every day.\n",
        );
    });
    let text = errors.to_string();
    assert!(text.contains("articles/hours.md line 1:"), "{text}");
    assert!(text.contains("front matter"), "{text}");

    // A front matter without a title, and an unknown key on its line.
    let errors = problems_after(|dir| {
        write(
            dir,
            "articles/hours.md",
            "---\nurl: https://x.example\ntags: [hours]\n---\nOpen daily.\n",
        );
    });
    assert!(
        errors
            .to_string()
            .contains("articles/hours.md line 1: the front matter needs a `title`"),
        "{errors}"
    );
    let errors = problems_after(|dir| {
        write(
            dir,
            "articles/hours.md",
            "---\ntitle: Hours\nauthor: me\nurl: https://x.example\n---\nOpen.\n",
        );
    });
    assert!(
        errors.to_string().contains("articles/hours.md line 3:"),
        "{errors}"
    );
}

#[test]
fn fewer_than_ten_distinct_examples_are_refused() {
    let errors = problems_after(|dir| {
        let text = "name = \"opening_hours\"\ndescription = \"hours\"\nkind = \"faq\"\n\
                    examples = [\"When are you open?\", \"opening hours\", \"are you open sunday\"]\n";
        write(dir, "intents/opening_hours.toml", text);
    });
    let p = only(&errors);
    assert_eq!(p.file, "intents/opening_hours.toml");
    assert!(p.message.contains("at least 10 distinct examples, has 3"), "{p}");

    // Ten lines that differ only in case and punctuation are one example.
    let errors = problems_after(|dir| {
        let same: Vec<String> = [
            "open?", "Open", "OPEN!", "open.", "open", "Open?!", "open ", " open", "OPEN", "oPeN",
        ]
        .iter()
        .map(|e| format!("{e:?}"))
        .collect();
        let text = format!(
            "name = \"opening_hours\"\ndescription = \"hours\"\nkind = \"faq\"\nexamples = [{}]\n",
            same.join(", ")
        );
        write(dir, "intents/opening_hours.toml", &text);
    });
    assert!(only(&errors).message.contains("has 1"), "{errors}");
}

#[test]
fn an_unknown_team_is_refused() {
    let errors = problems_after(|dir| {
        let text = format!(
            "name = \"opening_hours\"\ndescription = \"hours\"\nkind = \"faq\"\nteam = \"suport\"\n\
             examples = {TEN_EXAMPLES}\n"
        );
        write(dir, "intents/opening_hours.toml", &text);
    });
    let p = only(&errors);
    assert_eq!(p.file, "intents/opening_hours.toml");
    assert!(
        p.message
            .contains("team `suport` is not one of pack.toml's routing.teams"),
        "{p}"
    );
}

#[tokio::test]
async fn every_problem_is_reported_at_once_and_import_refuses_an_invalid_pack() {
    let errors = problems_after(|dir| {
        write(dir, "articles/extra.md", "no front matter\n");
        write(dir, "templates/hello.j2", "{{ unclosed\n");
        let text = "name = \"few\"\ndescription = \"few\"\nkind = \"faq\"\nexamples = [\"a b\", \"c d\"]\n";
        write(dir, "intents/few.toml", text);
    });
    let text = errors.to_string();
    assert!(text.starts_with("the pack has 3 problem(s)"), "{text}");
    for file in ["articles/extra.md", "templates/hello.j2", "intents/few.toml"] {
        assert!(errors.0.iter().any(|p| p.file == file), "{file} in {text}");
    }

    // A pack built in code names its parts; importing it is refused before any training.
    let mut pack = rule_pack(5);
    for intent in &mut pack.intents {
        match intent.name.as_str() {
            "order_status" => intent.team = Some("nobody".into()),
            "opening_hours" => intent.examples.truncate(4),
            _ => {}
        }
    }
    let problems = validate(&pack);
    assert!(
        problems
            .iter()
            .any(|p| p.file == "intent:order_status" && p.message.contains("nobody")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.file == "intent:opening_hours" && p.message.contains("has 4")),
        "{problems:?}"
    );
    let t = engine().await;
    let err = t.engine.runtime().import_pack(pack).await.unwrap_err();
    assert_eq!(err.code(), "invalid_pack", "{err}");
    assert!(err.to_string().contains("nobody"), "{err}");
    assert!(t.engine.runtime().active_pack().is_none());
    assert!(t.store.active_pack().await.unwrap().is_none());
}

/// Issue 16, defect 9: a template that uses a column its intent's connector does not return is
/// refused when the pack is imported, as in the editor, with the template and the column named.
#[tokio::test]
async fn importing_a_template_that_uses_an_unknown_column_is_refused() {
    let mut pack = rule_pack(5);
    pack.templates.insert(
        "order_status".to_owned(),
        "Your order {{ row.order_id }} is {{ row.colour }}.".to_owned(),
    );
    let t = engine().await;
    let err = t.engine.runtime().import_pack(pack).await.unwrap_err();
    assert_eq!(err.code(), "invalid_pack", "{err}");
    let text = err.to_string();
    assert!(
        text.contains("templates/order_status.j2") && text.contains("row.colour"),
        "{text}"
    );
    assert!(t.store.active_pack().await.unwrap().is_none());
    // The same pack with the column it has is imported.
    t.engine.runtime().import_pack(rule_pack(5)).await.unwrap();
}

/// With a sentence encoder configured the pack's model is trained with its features (the
/// semantic tier); an engine without one trains the stored model again for the fast tier on
/// start, and the bot keeps answering in both.
#[tokio::test]
async fn the_semantic_tier_is_trained_when_configured_and_retrained_when_not() {
    use std::sync::Arc;
    use tandem_engine::{Engine, EngineConfig, SemanticEncoder};

    let encoder = tandem_nlu::dense::builtin_static().unwrap();
    let t = crate::support::engine().await;
    let config = EngineConfig {
        data_dir: t.dir.path().join("semantic"),
        semantic: Some(SemanticEncoder {
            encoder,
            source: "(built in)".into(),
        }),
        ..EngineConfig::default()
    };
    let bus = Arc::new(tandem_engine::LocalBus::default());
    let semantic = Engine::open(t.store.clone(), bus.clone(), config).await.unwrap();
    semantic.runtime().import_pack(rule_pack(5)).await.unwrap();
    let dense = |bytes: &[u8]| {
        tandem_nlu::intent::IntentModel::from_bytes(bytes)
            .unwrap()
            .dense_spec()
            .is_some()
    };
    let pack = t.store.active_pack().await.unwrap().expect("a pack");
    let stored = t.store.active_model(&pack.id).await.unwrap().expect("a model");
    assert!(dense(&stored.bytes), "trained with the encoder's features");

    // The fast-tier engine over the same store: the model is trained again, for its tier.
    assert!(t.engine.runtime().load_active().await.unwrap());
    let again = t.store.active_model(&pack.id).await.unwrap().expect("a model");
    assert!(!dense(&again.bytes), "trained again without the encoder");
    assert_eq!(again.training_set_hash, stored.training_set_hash);
}

#[tokio::test]
async fn a_stored_model_from_another_tandem_version_is_trained_again_on_start() {
    let t = crate::support::rule_engine(5).await;
    let pack = t.store.active_pack().await.unwrap().expect("a pack is installed");
    let stored = t.store.active_model(&pack.id).await.unwrap().expect("a model");
    // The same model as a future file format (the version follows the 8-byte magic).
    let mut bytes = stored.bytes.clone();
    bytes[8..12].copy_from_slice(&999u32.to_le_bytes());
    let err = tandem_nlu::intent::IntentModel::from_bytes(&bytes).unwrap_err();
    assert!(err.needs_retraining(), "{err}");
    t.store
        .save_model(&pack.id, &bytes, &stored.metrics, &stored.training_set_hash, None)
        .await
        .unwrap();

    assert!(
        t.engine.runtime().load_active().await.unwrap(),
        "the pack is active again"
    );
    let retrained = t.store.active_model(&pack.id).await.unwrap().expect("a model");
    assert_eq!(retrained.training_set_hash, stored.training_set_hash);
    let model = tandem_nlu::intent::IntentModel::from_bytes(&retrained.bytes)
        .unwrap_or_else(|e| panic!("the retrained model is readable: {e}"));
    assert_eq!(
        model.labels(),
        tandem_nlu::intent::IntentModel::from_bytes(&stored.bytes)
            .unwrap()
            .labels()
    );

    // Damage that training cannot mend is still reported.
    let mut broken = retrained.bytes.clone();
    broken.truncate(20);
    t.store
        .save_model(
            &pack.id,
            &broken,
            &stored.metrics,
            &stored.training_set_hash,
            None,
        )
        .await
        .unwrap();
    let err = t.engine.runtime().load_active().await.unwrap_err();
    assert!(err.to_string().contains("cannot be read"), "{err}");
}

#[tokio::test]
async fn a_content_edit_reaches_every_instance_and_a_stale_edit_is_refused() {
    let a = crate::support::rule_engine(3).await;
    // A second instance over the same database, with its own bus and background jobs.
    let config = tandem_engine::EngineConfig {
        data_dir: a.dir.path().join("data-b"),
        ..tandem_engine::EngineConfig::default()
    };
    let b = std::sync::Arc::new(
        tandem_engine::Engine::open(
            a.store.clone(),
            std::sync::Arc::new(tandem_engine::LocalBus::default()),
            config,
        )
        .await
        .unwrap(),
    );
    assert!(b.runtime().load_active().await.unwrap());
    let jobs = tokio::spawn(tandem_engine::jobs::run(b.clone()));
    let before = b.runtime().revision().unwrap();
    let view = a.engine.content().view(&a.admin).await.unwrap();
    assert_eq!(view.revision, before);
    let intent = view.intents[0].name.clone();

    a.engine
        .content()
        .expecting(Some(before.clone()))
        .add_example(&a.admin, &intent, "a brand new way to say it")
        .await
        .unwrap();
    let after = a.engine.runtime().revision().unwrap();
    assert_ne!(before, after, "an edit makes a new revision");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while b.runtime().revision().as_deref() != Some(after.as_str()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the other instance did not load the edit"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let examples = |t: &tandem_engine::content::ContentView| {
        t.intents
            .iter()
            .find(|i| i.name == intent)
            .map(|i| i.examples.clone())
            .unwrap()
    };
    let seen_by_b = b.content().view(&a.admin).await.unwrap();
    assert!(examples(&seen_by_b)
        .iter()
        .any(|e| e == "a brand new way to say it"));
    jobs.abort();

    // An edit made on the old revision is refused and changes nothing.
    let err = b
        .content()
        .expecting(Some(before))
        .add_example(&a.admin, &intent, "made on stale content")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "stale_content");
    assert_eq!(a.engine.runtime().revision().unwrap(), after);
    let events = a.store.events_after(0, 1000).await.unwrap();
    let changed: Vec<_> = events
        .iter()
        .filter(|e| e.kind == tandem_core::event::EventKind::ContentChanged)
        .collect();
    assert_eq!(changed.len(), 2, "the import and the edit: {changed:?}");
    assert!(changed.iter().all(|e| e.conversation_id.is_none()));
    assert_eq!(changed[1].data["revision"], after.as_str());
    assert_eq!(changed[0].actor, tandem_core::event::Actor::System, "an import");
    assert_eq!(
        changed[1].actor,
        tandem_core::event::Actor::User {
            id: a.admin.user().id
        },
        "the edit names who made it"
    );
}
