//! Staff accounts and teams, managed by admins.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_app, TestApp, ADMIN_EMAIL};

async fn users(app: &TestApp) -> Vec<Value> {
    let response = app
        .get("/api/v1/users")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    body(response, StatusCode::OK).await["users"]
        .as_array()
        .unwrap()
        .clone()
}

async fn patch_user(app: &TestApp, token: &str, id: &str, change: Value) -> reqwest::Response {
    app.patch(&format!("/api/v1/users/{id}"))
        .bearer_auth(token)
        .json(&change)
        .send()
        .await
        .unwrap()
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/auth/me")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_creates_a_user_whose_generated_password_logs_in() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/users")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "email": " New.Agent@Example.org", "name": "New Agent", "role": "agent" }))
        .send()
        .await
        .unwrap();
    let created = body(response, StatusCode::CREATED).await;
    assert_eq!(created["user"]["email"], "new.agent@example.org");
    assert_eq!(created["user"]["name"], "New Agent");
    assert_eq!(created["user"]["role"], "agent");
    assert_eq!(created["user"]["active"], true);
    assert!(created["user"].get("password_hash").is_none());
    let password = created["generated_password"]
        .as_str()
        .expect("a generated password")
        .to_owned();
    assert!(password.chars().count() >= 10, "{password}");

    let login = app.login_ok("new.agent@example.org", &password).await;
    assert_eq!(login["user"]["id"], created["user"]["id"]);
    assert_eq!(login["user"]["role"], "agent");

    // With a password given, none is generated.
    let response = app
        .post("/api/v1/users")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "email": "sup@example.org", "name": "Sup", "role": "supervisor", "password": "chosen password 1" }))
        .send()
        .await
        .unwrap();
    let created = body(response, StatusCode::CREATED).await;
    assert!(created.get("generated_password").is_none(), "{created}");

    let emails: Vec<_> = users(&app)
        .await
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(emails, [ADMIN_EMAIL, "new.agent@example.org", "sup@example.org"]);
}

#[tokio::test]
async fn creating_a_user_with_a_taken_email_is_409_and_bad_input_is_refused() {
    let app = spawn_app().await;
    let create = |email: &str, role: &str, password: &str| {
        app.post("/api/v1/users")
            .bearer_auth(&app.admin_token)
            .json(&json!({ "email": email, "name": "Dup", "role": role, "password": password }))
            .send()
    };
    body(
        create("dup@example.org", "agent", "first password 1")
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    error(
        create("DUP@example.org", "trainer", "second password 2")
            .await
            .unwrap(),
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    error(
        create(ADMIN_EMAIL, "agent", "third password 3").await.unwrap(),
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    error(
        create("weak@example.org", "agent", "short").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "weak_password",
    )
    .await;
    error(
        create("no-at-sign", "agent", "long enough 123").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_email",
    )
    .await;
    error(
        create("root@example.org", "root", "long enough 123")
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    assert_eq!(
        users(&app).await.len(),
        2,
        "only the admin and the first user exist"
    );
}

#[tokio::test]
async fn a_non_admin_cannot_manage_staff_but_can_see_it() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;

    let response = app
        .post("/api/v1/users")
        .bearer_auth(&agent.token)
        .json(&json!({ "email": "sneaky@example.org", "name": "Sneaky", "role": "admin", "password": "sneaky password" }))
        .send()
        .await
        .unwrap();
    let refused = error(response, StatusCode::FORBIDDEN, "forbidden").await;
    // Issue 16, defect 9: the refusal is a sentence, not the permission's name in code.
    assert_eq!(
        refused["error"]["message"],
        "Only admins can manage staff accounts and teams."
    );
    let response = patch_user(&app, &agent.token, &agent.id, json!({ "role": "admin" })).await;
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = patch_user(&app, &agent.token, &app.admin_id, json!({ "active": false })).await;
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = app
        .post("/api/v1/teams")
        .bearer_auth(&agent.token)
        .json(&json!({ "name": "Shadow team" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;

    // Nothing changed.
    let all = users(&app).await;
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .any(|u| u["id"] == agent.id.as_str() && u["role"] == "agent"));
    assert!(all
        .iter()
        .any(|u| u["id"] == app.admin_id.as_str() && u["active"] == true));

    // Reading staff and teams is allowed.
    let listed = app
        .get("/api/v1/users")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(listed, StatusCode::OK).await["users"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let teams = app
        .get("/api/v1/teams")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(teams, StatusCode::OK).await, json!({ "teams": [] }));
}

#[tokio::test]
async fn an_admin_changes_a_role_and_the_session_sees_it() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = patch_user(
        &app,
        &app.admin_token,
        &agent.id,
        json!({ "role": "supervisor", "name": "Promoted" }),
    )
    .await;
    let user = body(response, StatusCode::OK).await;
    assert_eq!(
        (user["role"].clone(), user["name"].clone()),
        (json!("supervisor"), json!("Promoted"))
    );
    let seen = body(me(&app, &agent.token).await, StatusCode::OK).await;
    assert_eq!(seen["role"], "supervisor");

    let response = patch_user(&app, &app.admin_token, &agent.id, json!({ "role": "overlord" })).await;
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    for id in [uuid::Uuid::now_v7().to_string(), "not-a-uuid".to_owned()] {
        let response = patch_user(&app, &app.admin_token, &id, json!({ "role": "agent" })).await;
        error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn a_deactivated_user_is_logged_out_and_cannot_log_in() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    assert_eq!(me(&app, &agent.token).await.status(), StatusCode::OK);

    let user = body(
        patch_user(&app, &app.admin_token, &agent.id, json!({ "active": false })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(user["active"], false);
    error(
        me(&app, &agent.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let response = app
        .get("/api/v1/conversations")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(
        app.login(&agent.email, &agent.password).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    // Reactivated, they log in again (the old session stays ended).
    body(
        patch_user(&app, &app.admin_token, &agent.id, json!({ "active": true })).await,
        StatusCode::OK,
    )
    .await;
    error(
        me(&app, &agent.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    app.login_ok(&agent.email, &agent.password).await;
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = spawn_app().await;
    for change in [
        json!({ "role": "agent" }),
        json!({ "active": false }),
        json!({ "role": "supervisor", "active": false }),
    ] {
        let response = patch_user(&app, &app.admin_token, &app.admin_id, change.clone()).await;
        error(response, StatusCode::CONFLICT, "last_admin").await;
    }
    let still = body(me(&app, &app.admin_token).await, StatusCode::OK).await;
    assert_eq!(
        (still["role"].clone(), still["active"].clone()),
        (json!("admin"), json!(true))
    );

    // With a second admin, the first may step down; then the second is the last one.
    let second = app.create_staff("second.admin@example.org", "admin").await;
    let demoted = body(
        patch_user(&app, &second.token, &app.admin_id, json!({ "role": "agent" })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(demoted["role"], "agent");
    let response = patch_user(&app, &second.token, &second.id, json!({ "active": false })).await;
    error(response, StatusCode::CONFLICT, "last_admin").await;
    // The demoted admin lost the right to manage staff.
    let response = patch_user(&app, &app.admin_token, &second.id, json!({ "name": "Renamed" })).await;
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn teams_are_created_listed_unique_and_assignable() {
    let app = spawn_app().await;
    let create = |name: &str, skills: Value| {
        app.post("/api/v1/teams")
            .bearer_auth(&app.admin_token)
            .json(&json!({ "name": name, "skills": skills }))
            .send()
    };
    let billing = body(
        create("Billing", json!(["Refunds", "invoices"])).await.unwrap(),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(billing["name"], "Billing");
    assert_eq!(billing["skills"], json!(["refunds", "invoices"]));
    let shipping = body(create("Shipping", json!([])).await.unwrap(), StatusCode::CREATED).await;

    error(
        create("Billing", json!([])).await.unwrap(),
        StatusCode::CONFLICT,
        "team_exists",
    )
    .await;
    error(
        create("  ", json!([])).await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_name",
    )
    .await;
    error(
        create("Returns", json!(["two words"])).await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_tag",
    )
    .await;

    let listed = app
        .get("/api/v1/teams")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let listed = body(listed, StatusCode::OK).await;
    let names: Vec<_> = listed["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(names, [json!("Billing"), json!("Shipping")]);

    let team_ids = json!([billing["id"], shipping["id"]]);
    let user = body(
        patch_user(
            &app,
            &app.admin_token,
            &app.admin_id,
            json!({ "team_ids": team_ids }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut got: Vec<_> = user["team_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    let mut want = vec![
        billing["id"].as_str().unwrap().to_owned(),
        shipping["id"].as_str().unwrap().to_owned(),
    ];
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let response = patch_user(
        &app,
        &app.admin_token,
        &app.admin_id,
        json!({ "team_ids": [uuid::Uuid::now_v7()] }),
    )
    .await;
    error(response, StatusCode::BAD_REQUEST, "invalid_team").await;
    assert_eq!(
        body(me(&app, &app.admin_token).await, StatusCode::OK).await["team_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
