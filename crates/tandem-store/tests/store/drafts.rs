//! Article drafts: a conversation is a case of one draft at most, similar cases join a pending
//! draft, listing ranks by the number of cases, a decision is made once, erasing a conversation
//! removes its case (and a draft left without any), and the worker's cursor only moves forward.

use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::event::Actor;
use tandem_core::ids::{ConversationId, MessageId};
use tandem_core::model::Role;
use tandem_core::ErrorCode;
use tandem_store::*;

use crate::contract::{customer_says, new_conversation};
use crate::staff::new_user;

/// A conversation of `email` with the question and an agent's answer; the case to add for it.
async fn case_of(store: &dyn Store, email: &str, question: &str, answer: &str) -> NewDraftCase {
    let (conversation, _) = store.create_conversation(new_conversation(email)).await.unwrap();
    let (asked, _) = store
        .append_message(customer_says(conversation.id, question))
        .await
        .unwrap();
    let (answered, _) = store
        .append_message(customer_says(conversation.id, answer))
        .await
        .unwrap();
    NewDraftCase {
        conversation_id: conversation.id,
        question: question.to_owned(),
        answer: answer.to_owned(),
        question_message_id: asked.id,
        answer_message_id: answered.id,
        intent: Some("contact_hours".to_owned()),
    }
}

fn conversations(draft: &Draft) -> Vec<ConversationId> {
    draft.cases.iter().map(|c| c.conversation_id).collect()
}

pub async fn drafts_group_cases_and_rank_by_how_many_they_cover(store: &dyn Store) {
    assert_eq!(store.draft_cursor().await.unwrap(), 0, "an empty log starts at 0");
    let milan = case_of(store, "a@x.org", "A store in Milan?", "Only in Portland.").await;
    let first = store
        .add_draft_case(milan.clone(), DraftTarget::New)
        .await
        .unwrap()
        .expect("a new draft");
    assert_eq!(first.status, DraftStatus::Pending);
    assert_eq!(conversations(&first), vec![milan.conversation_id]);
    let only = &first.cases[0];
    assert_eq!(
        (
            only.question.as_str(),
            only.answer.as_str(),
            only.intent.as_deref()
        ),
        ("A store in Milan?", "Only in Portland.", Some("contact_hours"))
    );
    assert_eq!(only.question_message_id, milan.question_message_id);
    assert_eq!(only.answer_message_id, milan.answer_message_id);

    // The same conversation again (resolved twice, or reopened): nothing changes.
    let again = store
        .add_draft_case(milan.clone(), DraftTarget::New)
        .await
        .unwrap();
    assert!(again.is_none());
    let elsewhere = store
        .add_draft_case(milan.clone(), DraftTarget::Join(first.id.clone()))
        .await
        .unwrap();
    assert!(elsewhere.is_none());
    assert_eq!(store.drafts(DraftStatus::Pending, 10).await.unwrap().len(), 1);

    let gift = case_of(store, "b@x.org", "Gift wrapping?", "Not yet.").await;
    let gift_draft = store
        .add_draft_case(gift.clone(), DraftTarget::New)
        .await
        .unwrap()
        .unwrap();
    let shop = case_of(store, "c@x.org", "A shop in Milan?", "Portland only.").await;
    let grown = store
        .add_draft_case(shop.clone(), DraftTarget::Join(first.id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grown.id, first.id);
    assert_eq!(
        conversations(&grown),
        vec![milan.conversation_id, shop.conversation_id],
        "oldest case first"
    );
    assert_eq!(grown.cases[0].question, "A store in Milan?");
    assert_eq!(
        store.draft_of_conversation(shop.conversation_id).await.unwrap(),
        Some(first.id.clone())
    );
    assert_eq!(
        store.draft_of_conversation(ConversationId::new()).await.unwrap(),
        None
    );

    let pending = store.drafts(DraftStatus::Pending, 10).await.unwrap();
    let ids: Vec<&str> = pending.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![first.id.as_str(), gift_draft.id.as_str()],
        "most cases first"
    );
    assert_eq!(store.drafts(DraftStatus::Pending, 1).await.unwrap().len(), 1);
    assert!(store.drafts(DraftStatus::Accepted, 10).await.unwrap().is_empty());

    // A conversation that no longer exists is not added.
    let mut ghost = shop.clone();
    ghost.conversation_id = ConversationId::new();
    ghost.question_message_id = MessageId::new();
    assert!(store
        .add_draft_case(ghost, DraftTarget::New)
        .await
        .unwrap()
        .is_none());
}

pub async fn a_draft_is_decided_once(store: &dyn Store) {
    let tina = store
        .create_user(new_user("tina@x.org", Role::Trainer))
        .await
        .unwrap();
    let a = case_of(store, "a@x.org", "Store in Milan?", "Portland only.").await;
    let b = case_of(store, "b@x.org", "Gift wrapping?", "Not yet.").await;
    let kept = store.add_draft_case(a, DraftTarget::New).await.unwrap().unwrap();
    let dropped = store.add_draft_case(b, DraftTarget::New).await.unwrap().unwrap();

    let accepted = store
        .decide_draft(
            &kept.id,
            DraftDecision::Accepted {
                by: tina.id,
                article: "stores".into(),
                intent: Some("contact_hours".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(accepted.status, DraftStatus::Accepted);
    assert_eq!(accepted.decided_by, Some(tina.id));
    assert!(accepted.decided_at.is_some());
    assert_eq!(accepted.article.as_deref(), Some("stores"));
    assert_eq!(accepted.intent.as_deref(), Some("contact_hours"));

    let rejected = store
        .decide_draft(&dropped.id, DraftDecision::Rejected { by: tina.id })
        .await
        .unwrap();
    assert_eq!(rejected.status, DraftStatus::Rejected);
    assert_eq!(rejected.article, None);

    for id in [&kept.id, &dropped.id] {
        let again = store
            .decide_draft(id, DraftDecision::Rejected { by: tina.id })
            .await
            .unwrap_err();
        assert_eq!(again.code(), ErrorCode::DraftDecided);
    }
    assert_eq!(
        store
            .decide_draft("no-such-draft", DraftDecision::Rejected { by: tina.id })
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert!(store.drafts(DraftStatus::Pending, 10).await.unwrap().is_empty());
    assert_eq!(store.drafts(DraftStatus::Accepted, 10).await.unwrap().len(), 1);
    assert_eq!(store.drafts(DraftStatus::Rejected, 10).await.unwrap().len(), 1);

    // A case similar to a decided draft starts a draft of its own.
    let c = case_of(store, "c@x.org", "Shop in Milan?", "Portland.").await;
    let fresh = store
        .add_draft_case(c, DraftTarget::Join(kept.id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(fresh.id, kept.id);
    assert_eq!(fresh.status, DraftStatus::Pending);
    assert_eq!(store.draft(&kept.id).await.unwrap().unwrap().cases.len(), 1);
}

pub async fn erasing_a_conversation_removes_its_case_and_an_empty_draft(store: &dyn Store) {
    let zed = case_of(store, "zed@x.org", "Store in Milan, zed here?", "Portland.").await;
    let olga = case_of(store, "olga@x.org", "Store in Milan?", "Portland only.").await;
    let lone = case_of(store, "zed@x.org", "Gift wrapping for zed?", "Not yet.").await;
    let shared = store
        .add_draft_case(zed.clone(), DraftTarget::New)
        .await
        .unwrap()
        .unwrap();
    store
        .add_draft_case(olga.clone(), DraftTarget::Join(shared.id.clone()))
        .await
        .unwrap()
        .unwrap();
    let alone = store
        .add_draft_case(lone.clone(), DraftTarget::New)
        .await
        .unwrap()
        .unwrap();

    let customer = store.find_customers("zed@x.org").await.unwrap()[0].id;
    let entry = NewAuditEntry::new(
        Actor::System,
        AuditAction::CustomerErased,
        format!("customer:{customer}"),
        serde_json::json!({ "reason": "test" }),
    );
    store.erase_customer(customer, entry).await.unwrap().unwrap();

    let left = store
        .draft(&shared.id)
        .await
        .unwrap()
        .expect("olga's case keeps it");
    assert_eq!(conversations(&left), vec![olga.conversation_id]);
    assert_eq!(
        left.cases[0].question, "Store in Milan?",
        "the draft's text is now olga's"
    );
    assert!(
        store.draft(&alone.id).await.unwrap().is_none(),
        "no case left: gone"
    );
    let listed = format!("{:?}", store.drafts(DraftStatus::Pending, 10).await.unwrap());
    assert!(!listed.contains("zed"), "{listed}");

    // Retention's erasure too.
    store
        .erase_conversations(&[olga.conversation_id], Actor::System, "retention")
        .await
        .unwrap();
    assert!(store.draft(&shared.id).await.unwrap().is_none());
    assert!(store.drafts(DraftStatus::Pending, 10).await.unwrap().is_empty());
}

pub async fn the_draft_cursor_only_moves_forward(store: &dyn Store) {
    let start = store.draft_cursor().await.unwrap();
    store.advance_draft_cursor(start + 7).await.unwrap();
    assert_eq!(store.draft_cursor().await.unwrap(), start + 7);
    store.advance_draft_cursor(start + 3).await.unwrap();
    assert_eq!(store.draft_cursor().await.unwrap(), start + 7, "never back");
    store.advance_draft_cursor(start + 9).await.unwrap();
    assert_eq!(store.draft_cursor().await.unwrap(), start + 9);
}
