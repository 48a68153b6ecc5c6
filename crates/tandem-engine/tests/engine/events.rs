//! Replaying what a reconnecting live client missed.

use tandem_core::event::{Actor, EventKind};
use tandem_engine::events::MAX_REPLAY;
use tandem_store::NewEvent;

use crate::support::engine;

#[tokio::test]
async fn a_replay_holds_at_most_max_replay_events_and_says_when_more_were_missed() {
    let t = engine().await;
    let total = MAX_REPLAY + 1;
    // Setting up (the admin, the pack) was audited already: count from here.
    let start = t.store.last_seq().await.unwrap();
    for i in 0..total {
        t.store
            .append_event(NewEvent {
                conversation_id: None,
                kind: EventKind::ContentChanged,
                actor: Actor::System,
                data: serde_json::json!({ "n": i }),
            })
            .await
            .unwrap();
    }
    let first = t.store.events_after(start, 1).await.unwrap()[0].seq;
    let behind = t.engine.events().replay(first - 1).await.unwrap();
    assert!(!behind.complete, "one more than a replay holds was missed");
    assert_eq!(behind.events.len(), usize::try_from(MAX_REPLAY).unwrap());
    let caught_up = t.engine.events().replay(first).await.unwrap();
    assert!(caught_up.complete);
    assert_eq!(caught_up.events.len(), usize::try_from(MAX_REPLAY).unwrap());
    assert!(caught_up.events.windows(2).all(|w| w[0].seq() < w[1].seq()));
}
