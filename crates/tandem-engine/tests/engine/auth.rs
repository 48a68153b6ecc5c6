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
