//! The storage contract: every backend must pass the same cases. SQLite always runs; PostgreSQL
//! runs when `TANDEM_TEST_POSTGRES_URL` is set (each test in its own fresh database), and a missing
//! server is a failure when `TANDEM_REQUIRE_SERVICES=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod attachments;
mod automation;
mod backends;
mod coaching;
mod content_versions;
mod contract;
mod customer_history;
mod drafts;
mod message_edits;
mod model_upgrade;
mod models;
mod outbox;
mod privacy;
mod reads;
mod reviews;
mod sensor;
mod service;
mod snooze;
mod staff;
mod upgrade;

/// Declares one test per contract case for each backend.
macro_rules! contract_tests {
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let db = crate::backends::sqlite().await;
                    crate::contract::$case(db.store.as_ref()).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = crate::backends::postgres().await else { return };
                    crate::contract::$case(db.store.as_ref()).await;
                    db.drop_database().await;
                }
            )+
        }
    };
}

contract_tests!(
    users_are_created_found_and_unique,
    user_changes_and_deactivation_end_sessions,
    password_change_ends_sessions,
    teams_and_membership,
    sessions_expire_and_end,
    conversations_find_their_customer_by_email,
    messages_update_the_read_model_in_one_transaction,
    internal_notes_are_hidden_from_customers,
    the_preview_is_what_the_customer_last_said,
    message_to_unknown_conversation_stores_nothing,
    updates_record_one_event_per_real_change,
    update_with_unknown_references_changes_nothing,
    list_filters_and_pagination,
    text_search_is_case_insensitive_and_literal,
    concurrent_writes_all_land_in_order,
    event_log_is_append_only,
    service_levels_are_breached_once_and_filtered,
    insight_counts_cover_decisions_statuses_and_teams,
    the_feed_pages_every_event_once_in_seq_order,
    events_without_a_conversation_join_the_feed,
    concurrent_writers_never_let_a_reader_skip_an_event,
    targeted_lookups_find_one_record,
    recent_windows_keep_the_last_items_in_order,
    erasure_removes_the_customer_and_everything_in_their_conversations,
    retention_erases_resolved_conversations_past_the_cutoff_only,
    the_audit_log_only_grows_and_reads_newest_first,
    old_content_revisions_are_not_kept_forever,
    snoozed_cases_hide_until_their_time,
    read_marks_count_unread_customer_messages_per_user,
    attachments_are_stored_linked_listed_and_erased,
    messages_are_edited_and_deleted_with_their_events,
    a_deleted_message_takes_its_files_with_it,
    content_versions_are_numbered_per_item_and_listed_oldest_first,
    concurrent_content_versions_never_share_a_number,
    only_one_model_is_active_across_revisions,
    promotion_retires_the_active_model,
    a_refused_candidate_is_marked_and_can_be_forced,
    rollback_restores_the_replaced_model,
    models_are_listed_newest_first,
    pruning_old_revisions_keeps_the_active_and_rollback_models,
    review_items_are_queued_once_filtered_and_closed_once,
    review_items_go_with_their_conversation,
    drafts_group_cases_and_rank_by_how_many_they_cover,
    a_draft_is_decided_once,
    erasing_a_conversation_removes_its_case_and_an_empty_draft,
    the_draft_cursor_only_moves_forward,
    the_latest_customer_messages_come_newest_first_across_conversations,
    automation_trails_follow_the_customers_the_bot_finished_for,
    customer_histories_hold_each_customers_cases_with_decisions_and_reopenings,
    reply_scores_are_kept_per_message_and_go_with_their_conversation,
    practice_sessions_take_turns_in_order_and_finish_once,
    a_certification_is_held_once_and_revoked_with_a_reason,
    a_root_cause_is_suggested_confirmed_learned_from_and_erased,
    the_latest_rating_counts_and_says_whether_a_person_took_part,
    the_messages_the_bot_did_not_understand_are_listed_newest_first,
);

#[tokio::test]
async fn sqlite_committed_writes_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    let id = {
        let store = tandem_store::SqliteStore::open(&path, tandem_store::SqliteDurability::Full)
            .await
            .unwrap();
        tandem_store::Store::migrate(&store).await.unwrap();
        let (conversation, _) = tandem_store::ConversationStore::create_conversation(
            &store,
            contract::new_conversation("a@x.org"),
        )
        .await
        .unwrap();
        tandem_store::ConversationStore::append_message(
            &store,
            contract::customer_says(conversation.id, "kept"),
        )
        .await
        .unwrap();
        conversation.id
    };
    let store = tandem_store::SqliteStore::open(&path, tandem_store::SqliteDurability::Full)
        .await
        .unwrap();
    tandem_store::Store::migrate(&store).await.unwrap();
    let messages = tandem_store::ConversationStore::list_messages(&store, id, false)
        .await
        .unwrap();
    assert_eq!(
        messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        vec!["kept"]
    );
}

/// After an erasure and a scrub, no byte of the SQLite files (database, write-ahead log) holds the
/// erased person's e-mail address or words, while another customer's words are still there.
#[tokio::test]
async fn sqlite_files_keep_nothing_of_an_erased_customer() {
    use tandem_store::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    let store = tandem_store::SqliteStore::open(&path, tandem_store::SqliteDurability::Full)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    for (email, words) in [
        ("zed@x.org", "pineapple-shaped lamp"),
        ("olga@x.org", "walnut-brown gloves"),
    ] {
        let (conversation, _) = store
            .create_conversation(contract::new_conversation(email))
            .await
            .unwrap();
        store
            .append_message(contract::customer_says(conversation.id, words))
            .await
            .unwrap();
        // A file of theirs, whose bytes must go too.
        store
            .put_attachment(tandem_store::NewAttachment {
                conversation_id: conversation.id,
                filename: "photo.png".into(),
                content_type: "image/png".into(),
                sha256: "0".into(),
                data: format!("file-bytes-of-{words}").into_bytes(),
                thumbnail: None,
                uploader: tandem_store::Uploader::Customer,
            })
            .await
            .unwrap();
    }
    let zed = store.find_customers("zed@x.org").await.unwrap()[0].id;
    let entry = tandem_core::audit::NewAuditEntry::new(
        tandem_core::event::Actor::System,
        tandem_core::audit::AuditAction::CustomerErased,
        format!("customer:{zed}"),
        serde_json::json!({ "reason": "test" }),
    );
    store.erase_customer(zed, entry).await.unwrap().unwrap();
    store.scrub().await.unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(holds("walnut-brown"), "the scan reads the stored text");
    assert!(holds("file-bytes-of-walnut"), "the scan reads stored files");
    for trace in ["zed@x.org", "pineapple-shaped", "file-bytes-of-pineapple"] {
        assert!(!holds(trace), "{trace} is still in a file of the data directory");
    }
}
