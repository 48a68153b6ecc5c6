//! Content history in the engine: a pack's import records version 1 of each item once, edits
//! record what was saved by whom, a database made before content history gets the pack's text as
//! version 1 at the first edit, and restoring an intent brings back its examples.

use tandem_core::model::Role;
use tandem_engine::content::history::ContentKind;
use tandem_engine::content::ArticleInput;

use crate::support::{engine, rule_engine, rule_pack, sign_in};

fn authors(versions: &[tandem_engine::content::history::VersionInfo]) -> Vec<Option<&str>> {
    versions.iter().map(|v| v.author.as_deref()).collect()
}

#[tokio::test]
async fn an_import_records_every_item_once_and_edits_record_their_author() {
    let t = rule_engine(5).await;
    let pack = rule_pack(5);
    for intent in &pack.intents {
        let versions = t.store.content_versions("intent", &intent.name).await.unwrap();
        assert_eq!(versions.len(), 1, "{}", intent.name);
        assert_eq!(versions[0].author, None);
    }
    for (kind, key) in [
        ("article", "hours"),
        ("texts", "texts"),
        ("canned_replies", "canned_replies"),
    ] {
        assert_eq!(
            t.store.content_versions(kind, key).await.unwrap().len(),
            1,
            "{kind}"
        );
    }
    // Importing again records nothing new.
    t.engine.runtime().import_pack(rule_pack(5)).await.unwrap();
    assert_eq!(
        t.store.content_versions("article", "hours").await.unwrap().len(),
        1
    );

    let tina = sign_in(&t.engine, "tina@tandem.test", Role::Trainer).await;
    let content = t.engine.content();
    content
        .add_example(&tina.staff, "hello", "good morning to the whole bakery")
        .await
        .unwrap();
    let versions = content
        .versions(&tina.staff, ContentKind::Intent, "hello")
        .await
        .unwrap();
    assert_eq!(authors(&versions), vec![None, Some("tina@tandem.test")]);
    // An edit refused by validation records nothing.
    assert!(content
        .remove_example(&tina.staff, "hello", "not an example")
        .await
        .is_err());
    assert_eq!(
        content
            .versions(&tina.staff, ContentKind::Intent, "hello")
            .await
            .unwrap()
            .len(),
        2
    );

    // Restoring version 1 brings the intent back without the example, as a new version.
    let restored = content
        .restore(&tina.staff, ContentKind::Intent, "hello", 1)
        .await
        .unwrap();
    assert_eq!(restored.version, 3);
    let bot = t.engine.runtime().bot().unwrap();
    let hello = bot.pack.intents.iter().find(|i| i.name == "hello").unwrap();
    assert!(!hello.examples.iter().any(|e| e.contains("whole bakery")));
    assert_eq!(hello, pack.intents.iter().find(|i| i.name == "hello").unwrap());

    // An agent reads the history but cannot restore.
    let sam = sign_in(&t.engine, "sam@tandem.test", Role::Agent).await;
    assert_eq!(
        content
            .versions(&sam.staff, ContentKind::Intent, "hello")
            .await
            .unwrap()
            .len(),
        3
    );
    let refused = content
        .restore(&sam.staff, ContentKind::Intent, "hello", 1)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tandem_core::ErrorCode::Forbidden);
}

#[tokio::test]
async fn a_database_from_before_content_history_records_the_packs_text_at_the_first_edit() {
    // A pack stored as an older Tandem did: no versions.
    let t = engine().await;
    let pack = rule_pack(5);
    let stored = serde_json::to_string(&pack).unwrap();
    t.store
        .save_pack(&pack.manifest.name, &pack.manifest.version, &stored, None)
        .await
        .unwrap();
    assert!(t.engine.runtime().load_active().await.unwrap());
    assert!(t
        .store
        .content_versions("article", "hours")
        .await
        .unwrap()
        .is_empty());

    let tina = sign_in(&t.engine, "tina@tandem.test", Role::Trainer).await;
    let input = ArticleInput {
        title: "Opening hours".into(),
        body: "Open every day from 7 am to 7 pm.".into(),
        tags: None,
        url: None,
    };
    t.engine
        .content()
        .put_article(&tina.staff, "hours", input)
        .await
        .unwrap();
    let versions = t.store.content_versions("article", "hours").await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].author, None);
    let first: serde_json::Value = serde_json::from_str(&versions[0].content).unwrap();
    assert_eq!(first["body"], pack.articles[0].body.as_str());
    let second: serde_json::Value = serde_json::from_str(&versions[1].content).unwrap();
    assert_eq!(second["body"], "Open every day from 7 am to 7 pm.");
    assert_eq!(versions[1].author_email.as_deref(), Some("tina@tandem.test"));
}

#[tokio::test]
async fn a_server_starting_on_a_database_from_before_content_history_records_the_packs_text() {
    let t = engine().await;
    let pack = rule_pack(5);
    let stored = serde_json::to_string(&pack).unwrap();
    t.store
        .save_pack(&pack.manifest.name, &pack.manifest.version, &stored, None)
        .await
        .unwrap();
    assert!(t.engine.runtime().load_active().await.unwrap());
    t.engine.content().record_pack_history().await.unwrap();
    for (kind, key) in [("article", "hours"), ("intent", "hello"), ("texts", "texts")] {
        let versions = t.store.content_versions(kind, key).await.unwrap();
        assert_eq!(versions.len(), 1, "{kind}");
        assert_eq!(versions[0].author, None);
    }
    // Starting again records nothing more.
    t.engine.content().record_pack_history().await.unwrap();
    assert_eq!(
        t.store.content_versions("article", "hours").await.unwrap().len(),
        1
    );
}
