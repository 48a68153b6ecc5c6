//! Contract cases for staff accounts, teams and sessions.

use chrono::{Duration, Utc};
use tandem_core::ids::{TeamId, UserId};
use tandem_core::model::Role;
use tandem_store::*;

pub fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: email.to_owned(),
        name: format!("User {email}"),
        role,
        password_hash: "hash".to_owned(),
    }
}

pub async fn users_are_created_found_and_unique(store: &dyn Store) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let ada = store
        .create_user(new_user("ada@x.org", Role::Admin))
        .await
        .unwrap();
    let bob = store
        .create_user(new_user("bob@x.org", Role::Agent))
        .await
        .unwrap();
    assert!(ada.active && ada.team_ids.is_empty());
    assert_eq!(store.get_user(bob.id).await.unwrap().unwrap(), bob);
    assert_eq!(store.get_user(UserId::new()).await.unwrap(), None);
    let (found, hash) = store.user_credentials("ada@x.org").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (ada.id, "hash"));
    assert!(store.user_credentials("nobody@x.org").await.unwrap().is_none());
    let err = store
        .create_user(new_user("ada@x.org", Role::Agent))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "email_taken");
    let emails: Vec<_> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(emails, vec!["ada@x.org", "bob@x.org"]);
    assert_eq!(store.count_users().await.unwrap(), 2);
}

pub async fn user_changes_and_deactivation_end_sessions(store: &dyn Store) {
    let user = store.create_user(new_user("c@x.org", Role::Agent)).await.unwrap();
    store
        .create_session("s1", user.id, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert!(store.session_user("s1", Utc::now()).await.unwrap().is_some());
    let change = UserChange {
        name: Some("Cleo".into()),
        role: Some(Role::Supervisor),
        ..Default::default()
    };
    let changed = store.update_user(user.id, change).await.unwrap();
    assert_eq!((changed.name.as_str(), changed.role), ("Cleo", Role::Supervisor));
    assert!(
        store.session_user("s1", Utc::now()).await.unwrap().is_some(),
        "a rename keeps the session"
    );
    let off = store
        .update_user(
            user.id,
            UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!off.active);
    assert!(store.session_user("s1", Utc::now()).await.unwrap().is_none());
    let err = store
        .update_user(UserId::new(), UserChange::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

pub async fn password_change_ends_sessions(store: &dyn Store) {
    let user = store.create_user(new_user("d@x.org", Role::Agent)).await.unwrap();
    store
        .create_session("s2", user.id, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    store.set_password_hash(user.id, "new-hash").await.unwrap();
    assert!(store.session_user("s2", Utc::now()).await.unwrap().is_none());
    assert_eq!(
        store.user_credentials("d@x.org").await.unwrap().unwrap().1,
        "new-hash"
    );
    assert_eq!(
        store
            .set_password_hash(UserId::new(), "x")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

pub async fn teams_and_membership(store: &dyn Store) {
    let billing = store
        .create_team(NewTeam {
            name: "Billing".into(),
            skills: vec!["refunds".into()],
        })
        .await
        .unwrap();
    let returns = store
        .create_team(NewTeam {
            name: "Returns".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .create_team(NewTeam {
                name: "Billing".into(),
                skills: vec![]
            })
            .await
            .unwrap_err()
            .code(),
        "team_exists"
    );
    let teams = store.list_teams().await.unwrap();
    assert_eq!(
        teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["Billing", "Returns"]
    );
    assert_eq!(teams[0].skills, vec!["refunds"]);
    let user = store.create_user(new_user("e@x.org", Role::Agent)).await.unwrap();
    let change = UserChange {
        team_ids: Some(vec![billing.id, returns.id]),
        ..Default::default()
    };
    let mut teams = store.update_user(user.id, change).await.unwrap().team_ids;
    teams.sort();
    let mut expected = vec![billing.id, returns.id];
    expected.sort();
    assert_eq!(teams, expected);
    let change = UserChange {
        team_ids: Some(vec![returns.id]),
        ..Default::default()
    };
    assert_eq!(
        store.update_user(user.id, change).await.unwrap().team_ids,
        vec![returns.id]
    );
    let change = UserChange {
        team_ids: Some(vec![TeamId::new()]),
        ..Default::default()
    };
    assert_eq!(
        store.update_user(user.id, change).await.unwrap_err().code(),
        "unknown_reference"
    );
    assert_eq!(
        store.get_user(user.id).await.unwrap().unwrap().team_ids,
        vec![returns.id],
        "a failed change is rolled back"
    );
}

pub async fn sessions_expire_and_end(store: &dyn Store) {
    let user = store.create_user(new_user("f@x.org", Role::Agent)).await.unwrap();
    store
        .create_session("old", user.id, Utc::now() - Duration::seconds(1))
        .await
        .unwrap();
    store
        .create_session("new", user.id, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert!(store.session_user("old", Utc::now()).await.unwrap().is_none());
    assert_eq!(
        store.session_user("new", Utc::now()).await.unwrap().unwrap().id,
        user.id
    );
    store.delete_session("new").await.unwrap();
    assert!(store.session_user("new", Utc::now()).await.unwrap().is_none());
    assert!(store.session_user("unknown", Utc::now()).await.unwrap().is_none());
}
