//! A staff member's edit or deletion of their own message: the new text (or none) with
//! `edited_at` / `deleted_at`, one `message_updated` event and an audit entry in the same
//! transaction, none of them holding the text; a deleted message cannot change again, and its
//! words are found nowhere (lists, search, the feed, the SQLite files).

use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::{ConversationId, MessageId, UserId};
use tandem_core::model::{Author, Role};
use tandem_store::*;

use crate::contract::{customer_says, new_conversation, new_user};

fn agent_says(conversation: ConversationId, agent: UserId, text: &str, internal: bool) -> NewMessage {
    NewMessage {
        conversation_id: conversation,
        author: Author::Agent,
        author_user_id: Some(agent),
        text: text.to_owned(),
        preview: text.to_owned(),
        internal,
        sources: vec![],
        choices: vec![],
        choice: None,
        attachments: Vec::new(),
        actor: Actor::User { id: agent },
    }
}

fn audit(agent: UserId, action: AuditAction, message: MessageId) -> NewAuditEntry {
    NewAuditEntry::new(
        Actor::User { id: agent },
        action,
        format!("message:{message}"),
        serde_json::json!({ "internal": false }),
    )
}

pub async fn messages_are_edited_and_deleted_with_their_events(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("edit@x.org"))
        .await
        .unwrap();
    let agent = store
        .create_user(new_user("writer@x.org", Role::Agent))
        .await
        .unwrap();
    let actor = Actor::User { id: agent.id };
    store
        .append_message(customer_says(conversation.id, "Where is my parcel?"))
        .await
        .unwrap();
    let (reply, _) = store
        .append_message(agent_says(conversation.id, agent.id, "It lefft today", false))
        .await
        .unwrap();
    let (note, _) = store
        .append_message(agent_says(
            conversation.id,
            agent.id,
            "note: grumpy-walrus customer",
            true,
        ))
        .await
        .unwrap();
    assert_eq!((reply.edited_at, reply.deleted_at), (None, None));
    let before = store.last_seq().await.unwrap();

    // An edit: the new text, edited_at, and its event and audit entry, without the text.
    let (edited, events) = store
        .revise_message(
            reply.id,
            MessageRevision::Edit("It left today".into()),
            actor.clone(),
            audit(agent.id, AuditAction::MessageEdited, reply.id),
        )
        .await
        .unwrap();
    assert_eq!(edited.text, "It left today");
    assert!(edited.edited_at.is_some() && edited.deleted_at.is_none());
    assert_eq!(edited.created_at, reply.created_at);
    assert_eq!(store.get_message(reply.id).await.unwrap().unwrap(), edited);
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::MessageUpdated, EventKind::AuditRecorded]);
    let updated = &events[0];
    assert_eq!(updated.conversation_id, Some(conversation.id));
    assert_eq!(updated.actor, actor);
    assert_eq!(updated.data["change"], "edited");
    assert_eq!(updated.data["message_id"], serde_json::json!(reply.id));
    assert_eq!(updated.data["internal"], false);
    assert_eq!(updated.data["author"], "agent");
    assert!(updated.seq > before);
    // Committed in the change's transaction: the feed has both, in order.
    let feed = store.events_after(before, 10).await.unwrap();
    assert_eq!(feed, events);
    let entries = store.list_audit(10, None).await.unwrap();
    assert_eq!(entries[0].action, AuditAction::MessageEdited);
    assert_eq!(entries[0].target, format!("message:{}", reply.id));

    // A delete: the text is gone (empty), deleted_at is set; the note goes the same way.
    let (deleted, events) = store
        .revise_message(
            note.id,
            MessageRevision::Delete,
            actor.clone(),
            audit(agent.id, AuditAction::MessageDeleted, note.id),
        )
        .await
        .unwrap();
    assert_eq!(deleted.text, "");
    assert!(deleted.deleted_at.is_some());
    assert!(deleted.internal);
    assert_eq!(events[0].data["change"], "deleted");
    assert_eq!(events[0].data["internal"], true);
    let staff_view = store.list_messages(conversation.id, true).await.unwrap();
    assert_eq!(staff_view.len(), 3, "the deleted message keeps its place");
    assert_eq!(staff_view[2], deleted);
    // Nothing of the words is found: not by search, not in any event of the log.
    let found = store
        .list_conversations(&ConversationFilter {
            text: Some("grumpy-walrus".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.total, 0);
    let log = format!("{:?}", store.events_after(0, 1000).await.unwrap());
    assert!(!log.contains("grumpy") && !log.contains("lefft"), "{log}");

    // A deleted message cannot change again; an unknown one is not found; nothing is written.
    let last = store.last_seq().await.unwrap();
    for revision in [MessageRevision::Edit("again".into()), MessageRevision::Delete] {
        let err = store
            .revise_message(
                note.id,
                revision,
                actor.clone(),
                audit(agent.id, AuditAction::MessageEdited, note.id),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "message_deleted");
    }
    let err = store
        .revise_message(
            MessageId::new(),
            MessageRevision::Delete,
            actor.clone(),
            audit(agent.id, AuditAction::MessageDeleted, note.id),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(store.last_seq().await.unwrap(), last);
    assert_eq!(store.get_message(note.id).await.unwrap().unwrap(), deleted);
}

/// After a deletion and a scrub, no byte of the SQLite files (database, write-ahead log) holds the
/// deleted words, while the rest of the conversation is still there.
#[tokio::test]
async fn sqlite_files_keep_nothing_of_a_deleted_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    let store = SqliteStore::open(&path, SqliteDurability::Full).await.unwrap();
    store.migrate().await.unwrap();
    let (conversation, _) = store
        .create_conversation(new_conversation("wal@x.org"))
        .await
        .unwrap();
    let agent = store
        .create_user(new_user("wal-agent@x.org", Role::Agent))
        .await
        .unwrap();
    store
        .append_message(customer_says(conversation.id, "walnut-brown gloves"))
        .await
        .unwrap();
    let (slip, _) = store
        .append_message(agent_says(
            conversation.id,
            agent.id,
            "internal: pineapple-shaped complaint",
            false,
        ))
        .await
        .unwrap();
    store
        .revise_message(
            slip.id,
            MessageRevision::Delete,
            Actor::User { id: agent.id },
            audit(agent.id, AuditAction::MessageDeleted, slip.id),
        )
        .await
        .unwrap();
    store.scrub().await.unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(holds("walnut-brown"), "the scan reads the stored text");
    assert!(
        !holds("pineapple-shaped"),
        "the deleted words are still in a file of the data directory"
    );
}

/// A deleted reply takes its files with it: nothing of it can be fetched any more.
pub async fn a_deleted_message_takes_its_files_with_it(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("files-gone@x.org"))
        .await
        .unwrap();
    let agent = store
        .create_user(new_user("oops@x.org", Role::Agent))
        .await
        .unwrap();
    let upload = store
        .put_attachment(NewAttachment {
            conversation_id: conversation.id,
            filename: "someone-elses-invoice.pdf".into(),
            content_type: "application/pdf".into(),
            sha256: "sha".into(),
            data: b"%PDF-1.4 private".to_vec(),
            thumbnail: None,
            uploader: Uploader::Staff(agent.id),
        })
        .await
        .unwrap();
    let mut reply = agent_says(conversation.id, agent.id, "Here is your invoice", false);
    reply.attachments = vec![upload.id];
    let (reply, _) = store.append_message(reply).await.unwrap();
    assert_eq!(reply.attachments.len(), 1);
    let (deleted, _) = store
        .revise_message(
            reply.id,
            MessageRevision::Delete,
            Actor::User { id: agent.id },
            audit(agent.id, AuditAction::MessageDeleted, reply.id),
        )
        .await
        .unwrap();
    assert!(deleted.attachments.is_empty(), "{deleted:?}");
    assert!(store
        .get_attachment(upload.id, AttachmentPart::Original)
        .await
        .unwrap()
        .is_none());
    assert!(store.list_attachments(conversation.id).await.unwrap().is_empty());
}
