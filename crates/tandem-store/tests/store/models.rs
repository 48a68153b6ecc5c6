//! The model registry: one active model at a time, promotion retires the old one, the gate's
//! refusal marks a candidate refused, rollback restores the model the active one replaced, and the
//! listing is newest first.

use tandem_core::model::Role;
use tandem_store::*;

use crate::staff::new_user;

async fn installed(store: &dyn Store, hash: &str) -> StoredModel {
    let pack = store.save_pack("p", "1", "{}", None).await.unwrap();
    store
        .save_model(&pack.id, b"m", "{\"examples\":7}", hash, None)
        .await
        .unwrap()
}

fn candidate(pack_id: &str, hash: &str, by: Option<tandem_core::ids::UserId>) -> NewCandidate {
    NewCandidate {
        pack_id: pack_id.to_owned(),
        bytes: hash.as_bytes().to_vec(),
        metrics: "{\"accuracy\":0.9}".into(),
        training_set_hash: hash.to_owned(),
        examples: 12,
        trained_by: by,
        comparison: Some("{\"regressions\":[]}".into()),
    }
}

async fn active_ids(store: &dyn Store) -> Vec<String> {
    store
        .models(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.status == ModelStatus::Active)
        .map(|m| m.id)
        .collect()
}

pub async fn only_one_model_is_active_across_revisions(store: &dyn Store) {
    let first = installed(store, "h1").await;
    let second = installed(store, "h2").await;
    assert_eq!(active_ids(store).await, vec![second.id.clone()]);
    let listed = store.model(&first.id).await.unwrap().unwrap();
    assert_eq!(listed.status, ModelStatus::Retired);
    assert_eq!(listed.examples, 7, "the example count comes from the metrics");
    assert!(store.active_model(&first.pack_id).await.unwrap().is_none());
    assert_eq!(
        store.active_model(&second.pack_id).await.unwrap().unwrap().id,
        second.id
    );
    // A candidate does not change the active model.
    let c = store
        .save_candidate(candidate(&second.pack_id, "h3", None))
        .await
        .unwrap();
    assert_eq!(c.status, ModelStatus::Candidate);
    assert_eq!(active_ids(store).await, vec![second.id.clone()]);
    assert_eq!(store.current_model().await.unwrap().unwrap().id, second.id);
    // Promoting the active one again is refused and changes nothing.
    let err = store
        .promote_model(&second.id, Promotion::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "model_state");
    let err = store
        .promote_model("no-such-model", Promotion::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(active_ids(store).await, vec![second.id]);
}

pub async fn promotion_retires_the_active_model(store: &dyn Store) {
    let trainer = store
        .create_user(new_user("t@x.org", Role::Trainer))
        .await
        .unwrap();
    let old = installed(store, "h1").await;
    let c = store
        .save_candidate(candidate(&old.pack_id, "h2", Some(trainer.id)))
        .await
        .unwrap();
    assert_eq!(c.trained_by, Some(trainer.id));
    assert_eq!(c.examples, 12);
    assert!(c.promoted_at.is_none());
    assert_eq!(store.model_bytes(&c.id).await.unwrap().unwrap(), b"h2");
    let promoted = store
        .promote_model(
            &c.id,
            Promotion {
                by: Some(trainer.id),
                forced: false,
                reason: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(promoted.status, ModelStatus::Active);
    assert_eq!(promoted.promoted_by, Some(trainer.id));
    assert!(promoted.promoted_at.is_some());
    assert!(!promoted.forced);
    assert_eq!(
        store.model(&old.id).await.unwrap().unwrap().status,
        ModelStatus::Retired
    );
    assert_eq!(active_ids(store).await, vec![c.id.clone()]);
    // The bot of the active revision runs the promoted model.
    let running = store.active_model(&old.pack_id).await.unwrap().unwrap();
    assert_eq!(running.id, c.id);
    assert_eq!(running.bytes, b"h2");
}

pub async fn a_refused_candidate_is_marked_and_can_be_forced(store: &dyn Store) {
    let old = installed(store, "h1").await;
    let c = store
        .save_candidate(candidate(&old.pack_id, "h2", None))
        .await
        .unwrap();
    let refused = store.refuse_model(&c.id).await.unwrap();
    assert_eq!(refused.status, ModelStatus::Refused);
    assert_eq!(
        store.model(&c.id).await.unwrap().unwrap().status,
        ModelStatus::Refused
    );
    assert_eq!(active_ids(store).await, vec![old.id.clone()]);
    // Only a candidate can be refused.
    assert_eq!(
        store.refuse_model(&old.id).await.unwrap_err().code(),
        "model_state"
    );
    assert_eq!(store.refuse_model(&c.id).await.unwrap_err().code(), "model_state");
    assert_eq!(store.refuse_model("nope").await.unwrap_err().code(), "not_found");
    // An admin may force it, with the reason kept.
    let forced = store
        .promote_model(
            &c.id,
            Promotion {
                by: None,
                forced: true,
                reason: Some("the old model is worse on live traffic".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(forced.status, ModelStatus::Active);
    assert!(forced.forced);
    assert_eq!(
        forced.force_reason.as_deref(),
        Some("the old model is worse on live traffic")
    );
    assert_eq!(active_ids(store).await, vec![c.id]);
}

pub async fn rollback_restores_the_replaced_model(store: &dyn Store) {
    let first = installed(store, "h1").await;
    assert_eq!(
        store.rollback_model(None).await.unwrap_err().code(),
        "model_state",
        "nothing to roll back to"
    );
    let second = store
        .save_candidate(candidate(&first.pack_id, "h2", None))
        .await
        .unwrap();
    store
        .promote_model(&second.id, Promotion::default())
        .await
        .unwrap();
    let third = store
        .save_candidate(candidate(&first.pack_id, "h3", None))
        .await
        .unwrap();
    store
        .promote_model(&third.id, Promotion::default())
        .await
        .unwrap();
    // An unpromoted candidate in between is not what a rollback restores.
    store
        .save_candidate(candidate(&first.pack_id, "h4", None))
        .await
        .unwrap();

    let back = store.rollback_model(None).await.unwrap();
    assert_eq!(back.id, second.id);
    assert_eq!(back.status, ModelStatus::Active);
    assert_eq!(
        store.model(&third.id).await.unwrap().unwrap().status,
        ModelStatus::Retired
    );
    assert_eq!(active_ids(store).await, vec![second.id.clone()]);
    // Again: the one before that.
    let back = store.rollback_model(None).await.unwrap();
    assert_eq!(back.id, first.id);
    assert_eq!(active_ids(store).await, vec![first.id.clone()]);
    assert_eq!(
        store.rollback_model(None).await.unwrap_err().code(),
        "model_state"
    );
    assert_eq!(active_ids(store).await, vec![first.id]);
}

pub async fn models_are_listed_newest_first(store: &dyn Store) {
    let first = installed(store, "h1").await;
    let mut ids = vec![first.id.clone()];
    for i in 2..=4 {
        let c = store
            .save_candidate(candidate(&first.pack_id, &format!("h{i}"), None))
            .await
            .unwrap();
        ids.push(c.id);
    }
    ids.reverse();
    let listed: Vec<String> = store
        .models(100)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(listed, ids);
    let two: Vec<String> = store.models(2).await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(two, ids[..2].to_vec());
}

/// Old content revisions are pruned, but never the revision of the active model or of the model
/// a rollback would restore: a rollback after many edits still finds its model.
pub async fn pruning_old_revisions_keeps_the_active_and_rollback_models(store: &dyn Store) {
    let first = installed(store, "h-first").await;
    let newer = store
        .save_pack("p", "1", "{\"rev\":\"newer\"}", None)
        .await
        .unwrap();
    let second = store
        .save_candidate(candidate(&newer.id, "h-second", None))
        .await
        .unwrap();
    store
        .promote_model(&second.id, Promotion::default())
        .await
        .unwrap();
    for i in 0..KEEP_REVISIONS + 3 {
        store
            .save_pack("p", "1", &format!("{{\"rev\":{i}}}"), None)
            .await
            .unwrap();
    }
    let ids: Vec<String> = store
        .models(100)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert!(ids.contains(&first.id) && ids.contains(&second.id), "{ids:?}");
    let back = store.rollback_model(None).await.unwrap();
    assert_eq!(back.id, first.id);
    assert!(store.model_bytes(&first.id).await.unwrap().is_some());
}
