//! Logging in: throttled against guessing without locking out the owner.

use tandem_core::model::Role;

use crate::support::sign_in;

/// Someone guessing an account's password is locked out from their address; the owner, logging
/// in from elsewhere with the right password, is not (the probe could lock any admin out).
#[tokio::test]
async fn a_guesser_cannot_lock_the_owner_out() {
    let t = crate::support::engine().await;
    sign_in(&t.engine, "owner@example.com", Role::Admin).await;
    let auth = t.engine.auth();
    for _ in 0..10 {
        let refused = auth
            .login("owner@example.com", "wrong guess 123", "198.51.100.7")
            .await;
        assert_eq!(refused.unwrap_err().code(), "unauthenticated");
    }
    let locked = auth
        .login("owner@example.com", "a test password 42", "198.51.100.7")
        .await;
    assert_eq!(
        locked.unwrap_err().code(),
        "rate_limited",
        "the guesser's address is locked out"
    );
    let owner = auth
        .login("owner@example.com", "a test password 42", "203.0.113.20")
        .await;
    assert!(
        owner.is_ok(),
        "the owner elsewhere still logs in: {:?}",
        owner.err()
    );
}

/// A customer token opens its conversation until the customer ends the session, staff revoke it,
/// or the conversation has been quiet longer than `customer_token_ttl`.
#[tokio::test]
async fn customer_tokens_can_be_ended_revoked_and_expire() {
    let t = crate::support::engine().await;
    let conversations = t.engine.conversations();
    let started = conversations.start("Ann", "ann@example.com", None).await.unwrap();
    let (id, token) = (started.conversation.id, started.customer_token.clone());
    conversations
        .customer_message(id, &token, "hello", None)
        .await
        .unwrap();
    conversations.end_customer_session(id, &token).await.unwrap();
    let refused = conversations.customer_messages(id, &token).await.unwrap_err();
    assert_eq!(refused.code(), "unauthenticated", "{refused}");
    // The conversation stays for staff, with the change in its log.
    let events = conversations.events(&t.admin, id).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.data["change"] == "customer_token" && e.data["to"] == "revoked"),
        "{events:?}"
    );

    let started = conversations.start("Bo", "bo@example.com", None).await.unwrap();
    let (id, token) = (started.conversation.id, started.customer_token.clone());
    let agent = crate::support::sign_in(&t.engine, "agent@example.com", Role::Agent).await;
    conversations.revoke_customer_token(&agent, id).await.unwrap();
    assert_eq!(
        conversations
            .customer_conversation(id, &token)
            .await
            .unwrap_err()
            .code(),
        "unauthenticated"
    );
    let unknown = tandem_core::ids::ConversationId::new();
    assert_eq!(
        conversations
            .revoke_customer_token(&agent, unknown)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[tokio::test]
async fn a_quiet_conversations_token_expires() {
    let mut t = crate::support::engine().await;
    let config = tandem_engine::EngineConfig {
        customer_token_ttl: std::time::Duration::from_millis(1),
        ..tandem_engine::EngineConfig::default()
    };
    t.engine = std::sync::Arc::new(
        tandem_engine::Engine::open(
            t.store.clone(),
            std::sync::Arc::new(tandem_engine::LocalBus::default()),
            config,
        )
        .await
        .unwrap(),
    );
    let conversations = t.engine.conversations();
    let started = conversations.start("Cy", "cy@example.com", None).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let expired = conversations
        .customer_messages(started.conversation.id, &started.customer_token)
        .await
        .unwrap_err();
    assert_eq!(expired.code(), "unauthenticated");
    assert!(expired.to_string().contains("expired"), "{expired}");
}
