//! Contract cases for attachments: a file is stored with its conversation, read back byte for
//! byte, linked to the message it is sent with (in the message's transaction, or not at all),
//! listed per conversation, carried by every read of its message, and removed by erasure and
//! retention.

use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::event::Actor;
use tandem_core::ids::{AttachmentId, UserId};
use tandem_core::model::{Author, Role};
use tandem_store::*;

use crate::contract::{customer_says, new_conversation, new_user};

fn file(
    conversation: tandem_core::ids::ConversationId,
    name: &str,
    data: &[u8],
    uploader: Uploader,
) -> NewAttachment {
    NewAttachment {
        conversation_id: conversation,
        filename: name.to_owned(),
        content_type: "image/png".to_owned(),
        sha256: format!("sha-of-{name}"),
        data: data.to_vec(),
        thumbnail: Some(b"thumb".to_vec()),
        uploader,
    }
}

pub async fn attachments_are_stored_linked_listed_and_erased(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("photo@x.org"))
        .await
        .unwrap();
    let (other, _) = store
        .create_conversation(new_conversation("other@x.org"))
        .await
        .unwrap();
    let agent = store
        .create_user(new_user("files@x.org", Role::Agent))
        .await
        .unwrap();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();

    let photo = store
        .put_attachment(file(
            conversation.id,
            "torn jacket.png",
            &bytes,
            Uploader::Customer,
        ))
        .await
        .unwrap();
    assert_eq!(
        (
            photo.filename.as_str(),
            photo.size,
            photo.thumbnail,
            photo.uploaded_by,
            photo.message_id
        ),
        ("torn jacket.png", 70_000, true, Author::Customer, None)
    );
    let mut pdf = file(
        conversation.id,
        "label.pdf",
        b"%PDF-1.4",
        Uploader::Staff(agent.id),
    );
    pdf.content_type = "application/pdf".to_owned();
    pdf.thumbnail = None;
    let pdf = store.put_attachment(pdf).await.unwrap();
    assert!(!pdf.thumbnail);
    assert_eq!(pdf.uploaded_by, Author::Agent);

    let read = store
        .get_attachment(photo.id, AttachmentPart::Original)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.bytes.as_deref(), Some(bytes.as_slice()), "byte for byte");
    assert_eq!(read.attachment, photo);
    assert!(!read.internal);
    let thumb = store
        .get_attachment(photo.id, AttachmentPart::Thumbnail)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(thumb.bytes.as_deref(), Some(b"thumb".as_slice()));
    let none = store
        .get_attachment(pdf.id, AttachmentPart::Thumbnail)
        .await
        .unwrap()
        .unwrap();
    assert!(none.bytes.is_none(), "a PDF has no thumbnail");
    assert!(store
        .get_attachment(AttachmentId::new(), AttachmentPart::Original)
        .await
        .unwrap()
        .is_none());
    let missing = store
        .put_attachment(file(
            tandem_core::ids::ConversationId::new(),
            "x.png",
            b"x",
            Uploader::Customer,
        ))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), "not_found");

    let counts = store
        .count_attachments(conversation.id, Uploader::Customer)
        .await
        .unwrap();
    assert_eq!((counts.total, counts.unsent), (2, 1));
    let staff_counts = store
        .count_attachments(conversation.id, Uploader::Staff(agent.id))
        .await
        .unwrap();
    assert_eq!(staff_counts.unsent, 1);

    // Someone else's upload, or one of another conversation, cannot be sent: nothing is stored.
    let note = |text: &str, files: Vec<AttachmentId>| NewMessage {
        conversation_id: conversation.id,
        author: Author::Agent,
        author_user_id: Some(agent.id),
        text: text.to_owned(),
        preview: text.to_owned(),
        internal: true,
        sources: vec![],
        choices: vec![],
        choice: None,
        actor: Actor::User { id: agent.id },
        attachments: files,
    };
    let with = |mut message: NewMessage, files: &[AttachmentId]| {
        message.attachments = files.to_vec();
        message
    };
    for message in [
        with(customer_says(conversation.id, "see file"), &[pdf.id]),
        note("see file", vec![photo.id]),
        with(customer_says(other.id, "mine?"), &[photo.id]),
    ] {
        let refused = store.append_message(message).await.unwrap_err();
        assert_eq!(refused.code(), "invalid_attachment");
    }
    assert!(store
        .list_messages(conversation.id, true)
        .await
        .unwrap()
        .is_empty());
    assert!(store.list_messages(other.id, true).await.unwrap().is_empty());
    assert_eq!(
        store
            .get_conversation(conversation.id)
            .await
            .unwrap()
            .unwrap()
            .message_count,
        0,
        "a refused message changed nothing"
    );

    let (sent, event) = store
        .append_message(with(customer_says(conversation.id, ""), &[photo.id]))
        .await
        .unwrap();
    assert_eq!(event.data["message_id"], sent.id.to_string());
    assert_eq!(sent.attachments.len(), 1);
    assert_eq!(sent.attachments[0].message_id, Some(sent.id));
    // Sent once only.
    let again = store
        .append_message(with(customer_says(conversation.id, "again"), &[photo.id]))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "invalid_attachment");

    // An internal note's file is marked so.
    store
        .append_message(note("label for the warehouse", vec![pdf.id]))
        .await
        .unwrap();
    let stored_pdf = store
        .get_attachment(pdf.id, AttachmentPart::Original)
        .await
        .unwrap()
        .unwrap();
    assert!(stored_pdf.internal);

    // Every read of messages carries their files.
    let messages = store.list_messages(conversation.id, true).await.unwrap();
    let names: Vec<Vec<&str>> = messages
        .iter()
        .map(|m| m.attachments.iter().map(|a| a.filename.as_str()).collect())
        .collect();
    assert_eq!(names, vec![vec!["torn jacket.png"], vec!["label.pdf"]]);
    assert_eq!(
        store
            .get_message(sent.id)
            .await
            .unwrap()
            .unwrap()
            .attachments
            .len(),
        1
    );
    let customer_view = store.list_messages(conversation.id, false).await.unwrap();
    assert_eq!(customer_view.len(), 1);
    let listed = store.list_attachments(conversation.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![photo.id, pdf.id]
    );
    assert!(store.list_attachments(other.id).await.unwrap().is_empty());

    // Erasure removes them with the conversation; the other conversation keeps its own.
    let kept = store
        .put_attachment(file(other.id, "kept.png", b"kept", Uploader::Customer))
        .await
        .unwrap();
    let customer = store.find_customers("photo@x.org").await.unwrap()[0].id;
    let entry = NewAuditEntry::new(
        Actor::User { id: UserId::new() },
        AuditAction::CustomerErased,
        "customer:photo",
        serde_json::json!({ "reason": "request" }),
    );
    store.erase_customer(customer, entry).await.unwrap().unwrap();
    for id in [photo.id, pdf.id] {
        assert!(store
            .get_attachment(id, AttachmentPart::Original)
            .await
            .unwrap()
            .is_none());
    }
    assert!(store.list_attachments(conversation.id).await.unwrap().is_empty());
    assert!(store
        .get_attachment(kept.id, AttachmentPart::Original)
        .await
        .unwrap()
        .is_some());

    // Retention too (it erases conversations the same way).
    store
        .erase_conversations(&[other.id], Actor::System, "retention")
        .await
        .unwrap();
    assert!(store
        .get_attachment(kept.id, AttachmentPart::Original)
        .await
        .unwrap()
        .is_none());
}
