//! Content history: versions are numbered 1, 2, ... per item in the transaction that stores them,
//! a pack's text is recorded only once, listing is oldest first with the author's e-mail, and
//! concurrent writers never get the same number.

use tandem_core::model::Role;
use tandem_store::*;

use crate::staff::new_user;

fn version(
    kind: &str,
    key: &str,
    content: &str,
    author: Option<tandem_core::ids::UserId>,
) -> NewContentVersion {
    NewContentVersion {
        kind: kind.to_owned(),
        key: key.to_owned(),
        content: content.to_owned(),
        author,
        only_if_first: false,
    }
}

pub async fn content_versions_are_numbered_per_item_and_listed_oldest_first(store: &dyn Store) {
    let tina = store
        .create_user(new_user("tina@x.org", Role::Trainer))
        .await
        .unwrap();
    let pack = |kind: &str, key: &str, content: &str| NewContentVersion {
        only_if_first: true,
        ..version(kind, key, content, None)
    };
    // The pack's text: version 1 of each item, in one call.
    let numbers = store
        .add_content_versions(&[
            pack("article", "returns", "{\"body\":\"v1\"}"),
            pack("texts", "texts", "{}"),
        ])
        .await
        .unwrap();
    assert_eq!(numbers, vec![Some(1), Some(1)]);
    // Importing again records nothing for items that have a version.
    let again = store
        .add_content_versions(&[
            pack("article", "returns", "{\"body\":\"other\"}"),
            pack("article", "new", "{}"),
        ])
        .await
        .unwrap();
    assert_eq!(again, vec![None, Some(1)]);
    // Edits count on per item; another kind with the same key has its own numbers.
    let edits = store
        .add_content_versions(&[
            version("article", "returns", "{\"body\":\"v2\"}", Some(tina.id)),
            version("article", "returns", "{\"body\":\"v3\"}", Some(tina.id)),
            version("template", "returns", "t", Some(tina.id)),
        ])
        .await
        .unwrap();
    assert_eq!(edits, vec![Some(2), Some(3), Some(1)]);

    let list = store.content_versions("article", "returns").await.unwrap();
    assert_eq!(list.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(
        list.iter().map(|v| v.author_email.as_deref()).collect::<Vec<_>>(),
        vec![None, Some("tina@x.org"), Some("tina@x.org")]
    );
    assert_eq!(list[1].author, Some(tina.id));
    assert_eq!(list[0].content, "{\"body\":\"v1\"}");
    assert!(list.windows(2).all(|w| w[0].created_at <= w[1].created_at));

    let two = store
        .content_version("article", "returns", 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (two.kind.as_str(), two.key.as_str(), two.content.as_str()),
        ("article", "returns", "{\"body\":\"v2\"}")
    );
    assert!(store
        .content_version("article", "returns", 4)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .content_version("article", "nothing", 1)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .content_versions("intent", "returns")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.content_versions("template", "returns").await.unwrap().len(),
        1
    );
}

pub async fn concurrent_content_versions_never_share_a_number(store: &dyn Store) {
    // Joined futures on one task: they interleave on the pool's connections (PostgreSQL's
    // concurrent transactions collide on a number and are tried again).
    let writes = (0..8).map(|i| async move {
        store
            .add_content_versions(&[version("intent", "track_order", &format!("{{\"n\":{i}}}"), None)])
            .await
            .unwrap()
    });
    let numbers: Vec<i64> = futures::future::join_all(writes)
        .await
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=8).collect::<Vec<i64>>());
    let listed = store.content_versions("intent", "track_order").await.unwrap();
    assert_eq!(
        listed.iter().map(|v| v.version).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<i64>>()
    );
}
