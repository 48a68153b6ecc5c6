//! The model registry across instances: a promotion and a rollback on one instance make every
//! instance run the model at once (a `content_changed` event names it).

use std::sync::Arc;
use std::time::Duration;

async fn wait_for_model(engine: &tandem_engine::Engine, model: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while engine.runtime().bot().map(|b| b.model_id.clone()).as_deref() != Some(model) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the other instance did not load model {model}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_promotion_and_a_rollback_reach_every_instance() {
    let a = crate::support::rule_engine(3).await;
    let config = tandem_engine::EngineConfig {
        data_dir: a.dir.path().join("data-b"),
        ..tandem_engine::EngineConfig::default()
    };
    let b = Arc::new(
        tandem_engine::Engine::open(
            a.store.clone(),
            Arc::new(tandem_engine::LocalBus::default()),
            config,
        )
        .await
        .unwrap(),
    );
    assert!(b.runtime().load_active().await.unwrap());
    let jobs = tokio::spawn(tandem_engine::jobs::run(b.clone()));
    let imported = a.engine.runtime().bot().unwrap().model_id.clone();
    assert!(!imported.is_empty());
    assert_eq!(b.runtime().bot().unwrap().model_id, imported);

    let trained = a.engine.models().train(&a.admin).await.unwrap();
    assert_eq!(trained.model.status, "candidate");
    // Training changes nothing the bot runs.
    assert_eq!(a.engine.runtime().bot().unwrap().model_id, imported);

    let promoted = a
        .engine
        .models()
        .promote(&a.admin, &trained.model.id, false, None)
        .await
        .unwrap();
    assert_eq!(promoted.status, "active");
    assert_eq!(a.engine.runtime().bot().unwrap().model_id, trained.model.id);
    wait_for_model(&b, &trained.model.id).await;

    let back = a.engine.models().rollback(&a.admin).await.unwrap();
    assert_eq!(back.id, imported);
    assert_eq!(a.engine.runtime().bot().unwrap().model_id, imported);
    wait_for_model(&b, &imported).await;
    // A restart loads the rolled-back model, not a new one.
    assert!(b.runtime().load_active().await.unwrap());
    assert_eq!(b.runtime().bot().unwrap().model_id, imported);
    jobs.abort();
}
