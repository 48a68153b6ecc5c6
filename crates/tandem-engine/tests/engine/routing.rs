//! Routing: handed-over cases go to the least-loaded available agent of their team; agents take
//! the next case from the queue; concurrent takers never get the same case (SQLite and PostgreSQL).

use std::collections::BTreeSet;
use std::sync::Arc;

use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::{ConversationStatus, Priority, Role};
use tandem_engine::auth::Staff;
use tandem_store::testing::ScratchDatabase;
use tandem_store::{ConversationChange, NewConversation, SqliteDurability, Store};

use crate::support::{engine, rule_engine, staff, team, user, Customer, TestEngine};

/// A conversation waiting in the queue, created straight in the store.
async fn queued(store: &dyn Store, email: &str, priority: Priority, team: Option<TeamId>) -> ConversationId {
    let (c, _) = store
        .create_conversation(NewConversation {
            customer_name: "Queued Customer".into(),
            customer_email: email.into(),
            token_hash: format!("hash-{email}"),
            customer_verified: false,
            status: ConversationStatus::Queued,
            priority,
        })
        .await
        .unwrap();
    if team.is_some() {
        let change = ConversationChange {
            team: Some(team),
            ..ConversationChange::default()
        };
        store
            .update_conversation(c.id, change, Actor::System)
            .await
            .unwrap();
    }
    // Distinct creation times, so "oldest first" has one answer.
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    c.id
}

/// Gives the agent `n` open (assigned) cases.
async fn give_cases(t: &TestEngine, agent: &Staff, n: usize) {
    for i in 0..n {
        let id = queued(
            t.store.as_ref(),
            &format!("{}-{i}@load.example", agent.user().name),
            Priority::Normal,
            None,
        )
        .await;
        assert!(t
            .store
            .assign_if_unassigned(id, agent.user().id, Actor::System)
            .await
            .unwrap()
            .is_some());
    }
}

/// A customer whose message the bot hands over (the decision names `intent`); returns the
/// conversation after the handoff.
async fn hand_over(
    t: &TestEngine,
    email: &str,
    text: &str,
    intent: &str,
) -> tandem_core::model::Conversation {
    let customer = Customer::start(t, "Ann Baker", email).await;
    customer.say(text).await;
    let d = customer.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Handoff, Some(intent)),
        "{d:#?}"
    );
    customer.conversation().await
}

#[tokio::test]
async fn a_handoff_goes_to_the_least_loaded_available_agent_of_its_team() {
    let t = rule_engine(3).await;
    let support = team(t.store.as_ref(), "support").await.id;
    let billing = team(t.store.as_ref(), "billing").await.id;
    let busy = staff(&t, "busy@shop.example", Role::Agent, &[support], true).await;
    let idle = staff(&t, "idle@shop.example", Role::Agent, &[support], true).await;
    let full = staff(&t, "full@shop.example", Role::Agent, &[support], true).await;
    let away = staff(&t, "away@shop.example", Role::Agent, &[support], false).await;
    let biller = staff(&t, "biller@shop.example", Role::Agent, &[billing], true).await;
    let boss = staff(&t, "boss@shop.example", Role::Supervisor, &[support], true).await;
    give_cases(&t, &busy, 2).await;
    give_cases(&t, &full, 3).await;
    // The order intent names no team: the case goes to the pack's default team.
    let ask = "Is my order B1001 ready? Let me talk to a person.";

    // The least-loaded of those who can take it: not the one away, the supervisor, the other
    // team's agent or the one at capacity.
    let first = hand_over(&t, "c1@example.com", ask, "order_status").await;
    assert_eq!(first.team_id, Some(support), "the default team");
    assert_eq!(first.handoff_reason, Some(HandoffReason::CustomerRequest));
    assert_eq!(
        (first.status, first.assignee_id),
        (ConversationStatus::Assigned, Some(idle.user().id))
    );
    let events = t.store.list_events(first.id).await.unwrap();
    assert!(
        events.iter().any(|e| e.kind == EventKind::ConversationUpdated
            && e.data["change"] == "assignee"
            && e.actor == Actor::System),
        "{events:#?}"
    );

    // With one case the idle agent is still the least loaded.
    let second = hand_over(&t, "c2@example.com", ask, "order_status").await;
    assert_eq!(second.assignee_id, Some(idle.user().id));

    // Away: the next least loaded (2 open cases, capacity 3) takes it.
    t.engine.routing().set_availability(&idle, false).await.unwrap();
    let third = hand_over(&t, "c3@example.com", ask, "order_status").await;
    assert_eq!(
        (third.status, third.assignee_id),
        (ConversationStatus::Assigned, Some(busy.user().id))
    );

    // Now everyone who could take it is away or full: the case waits in the queue.
    let fourth = hand_over(&t, "c4@example.com", ask, "order_status").await;
    assert_eq!(
        (fourth.status, fourth.assignee_id),
        (ConversationStatus::Queued, None)
    );
    assert_eq!(fourth.team_id, Some(support));

    // A human intent goes to its own team.
    let dispute = hand_over(
        &t,
        "c5@example.com",
        "I was charged twice for my cake",
        "refund_dispute",
    )
    .await;
    assert_eq!(dispute.handoff_reason, Some(HandoffReason::SensitiveTopic));
    assert_eq!(dispute.team_id, Some(billing));
    assert_eq!(dispute.priority, Priority::High);
    assert_eq!(
        (dispute.status, dispute.assignee_id),
        (ConversationStatus::Assigned, Some(biller.user().id))
    );

    let loads = t.store.agent_loads().await.unwrap();
    let load = |s: &Staff| {
        loads
            .iter()
            .find(|l| l.user.id == s.user().id)
            .unwrap()
            .open_cases
    };
    assert_eq!(
        [
            load(&busy),
            load(&idle),
            load(&full),
            load(&away),
            load(&biller),
            load(&boss)
        ],
        [3, 2, 3, 0, 1, 0]
    );

    // The waiting case is there for whoever takes the next one.
    let taken = t
        .engine
        .routing()
        .take_next(&boss)
        .await
        .unwrap()
        .expect("the queued case");
    assert_eq!((taken.id, taken.assignee_id), (fourth.id, Some(boss.user().id)));
}

#[tokio::test]
async fn take_next_case_gives_the_most_urgent_oldest_case_and_never_the_same_twice() {
    let t = engine().await;
    let s = t.store.as_ref();
    let normal = queued(s, "normal@x.example", Priority::Normal, None).await;
    let urgent_old = queued(s, "urgent1@x.example", Priority::Urgent, None).await;
    let high = queued(s, "high@x.example", Priority::High, None).await;
    let urgent_new = queued(s, "urgent2@x.example", Priority::Urgent, None).await;
    let low = queued(s, "low@x.example", Priority::Low, None).await;
    // Neither a conversation with the bot nor one somebody holds is in the queue.
    let (with_bot, _) = s
        .create_conversation(NewConversation {
            customer_name: "Bot Customer".into(),
            customer_email: "bot@x.example".into(),
            token_hash: "hash-bot".into(),
            customer_verified: false,
            status: ConversationStatus::Bot,
            priority: Priority::Urgent,
        })
        .await
        .unwrap();
    let held = queued(s, "held@x.example", Priority::Urgent, None).await;
    let holder = staff(&t, "holder@shop.example", Role::Agent, &[], true).await;
    s.assign_if_unassigned(held, holder.user().id, Actor::System)
        .await
        .unwrap()
        .unwrap();

    let a = staff(&t, "a@shop.example", Role::Agent, &[], true).await;
    let b = staff(&t, "b@shop.example", Role::Agent, &[], true).await;
    let mut taken = Vec::new();
    for turn in 0..5 {
        let agent = if turn % 2 == 0 { &a } else { &b };
        let c = t
            .engine
            .routing()
            .take_next(agent)
            .await
            .unwrap()
            .expect("a case");
        assert_eq!(
            (c.status, c.assignee_id),
            (ConversationStatus::Assigned, Some(agent.user().id))
        );
        taken.push(c.id);
    }
    assert_eq!(taken, vec![urgent_old, urgent_new, high, normal, low]);
    assert!(t.engine.routing().take_next(&a).await.unwrap().is_none());
    assert!(t.engine.routing().take_next(&b).await.unwrap().is_none());
    let with_bot = s.get_conversation(with_bot.id).await.unwrap().unwrap();
    assert_eq!(
        (with_bot.status, with_bot.assignee_id),
        (ConversationStatus::Bot, None)
    );
    assert_eq!(
        s.get_conversation(held).await.unwrap().unwrap().assignee_id,
        Some(holder.user().id)
    );

    // An agent of a team takes only that team's cases; one of no team takes any.
    let support = s
        .create_team(tandem_store::NewTeam {
            name: "support".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    let billing = s
        .create_team(tandem_store::NewTeam {
            name: "billing".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    let support_urgent = queued(s, "su@x.example", Priority::Urgent, Some(support.id)).await;
    let billing_low = queued(s, "bl@x.example", Priority::Low, Some(billing.id)).await;
    let biller = staff(&t, "biller@shop.example", Role::Agent, &[billing.id], true).await;
    let c = t
        .engine
        .routing()
        .take_next(&biller)
        .await
        .unwrap()
        .expect("the billing case");
    assert_eq!(c.id, billing_low);
    assert!(t.engine.routing().take_next(&biller).await.unwrap().is_none());
    let c = t
        .engine
        .routing()
        .take_next(&a)
        .await
        .unwrap()
        .expect("the support case");
    assert_eq!(c.id, support_urgent);
}

/// Queues `cases` cases, lets `callers` agents call `claim_next` at the same time until the queue
/// is empty, and checks that every case was claimed exactly once and by whoever got it.
async fn claims_never_double(store: Arc<dyn Store>, cases: usize, callers: usize) {
    let mut queue = BTreeSet::new();
    for i in 0..cases {
        let priority = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent][i % 4];
        let (c, _) = store
            .create_conversation(NewConversation {
                customer_name: "Waiting Customer".into(),
                customer_email: format!("waiting{i}@x.example"),
                token_hash: format!("hash-{i}"),
                customer_verified: false,
                status: ConversationStatus::Queued,
                priority,
            })
            .await
            .unwrap();
        queue.insert(c.id);
    }
    let mut agents = Vec::new();
    for i in 0..callers {
        agents.push(
            user(store.as_ref(), &format!("taker{i}@shop.example"), Role::Agent)
                .await
                .id,
        );
    }
    let start = Arc::new(tokio::sync::Barrier::new(callers));
    let tasks: Vec<_> = agents
        .iter()
        .map(|&agent| {
            let store = store.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let mut mine: Vec<ConversationId> = Vec::new();
                while let Some((c, _)) = store.claim_next(agent, &[], &[]).await.unwrap() {
                    assert_eq!(
                        (c.status, c.assignee_id),
                        (ConversationStatus::Assigned, Some(agent))
                    );
                    mine.push(c.id);
                }
                (agent, mine)
            })
        })
        .collect();
    let results: Vec<(UserId, Vec<ConversationId>)> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    let mut claimed = BTreeSet::new();
    for (agent, mine) in &results {
        let distinct: BTreeSet<_> = mine.iter().collect();
        assert_eq!(
            distinct.len(),
            mine.len(),
            "agent {agent} got a case twice: {mine:?}"
        );
        for id in mine {
            assert!(claimed.insert(*id), "case {id} was claimed twice: {results:#?}");
            let c = store.get_conversation(*id).await.unwrap().unwrap();
            assert_eq!(c.assignee_id, Some(*agent), "the store agrees on who holds {id}");
        }
    }
    assert_eq!(claimed, queue, "every queued case was claimed");
    let late = user(store.as_ref(), "late@shop.example", Role::Agent).await;
    assert!(
        store.claim_next(late.id, &[], &[]).await.unwrap().is_none(),
        "the queue is empty"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_never_give_a_case_twice_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claims.db");
    let store = tandem_store::open(path.to_str().unwrap(), SqliteDurability::Normal)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    claims_never_double(store, 40, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_never_give_a_case_twice_on_postgres() {
    let Some(scratch) = ScratchDatabase::create("the PostgreSQL claim test").await else {
        return;
    };
    let store = tandem_store::open(&scratch.url(), SqliteDurability::Full)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    // Run the check in its own task so the database is dropped even when it fails.
    let outcome = tokio::spawn(claims_never_double(store, 60, 8)).await;
    scratch.drop_database().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_messages_hand_a_case_over_once_and_leave_it_consistent() {
    let t = rule_engine(5).await;
    let support = team(t.store.as_ref(), "support").await.id;
    let agent = staff(&t, "agent@shop.example", Role::Agent, &[support], true).await;
    let ann = Customer::start(&t, "Ann Baker", "ann@example.com").await;
    let texts: [&'static str; 4] = [
        "Is my order B1001 ready? Let me talk to a person.",
        "Is my order B1001 ready? I want a human please",
        "is my cake order ready? I want a human",
        "Is my order B1001 ready? Let me talk to a person please.",
    ];
    let start = Arc::new(tokio::sync::Barrier::new(texts.len()));
    let tasks: Vec<_> = texts
        .into_iter()
        .map(|text| {
            let (engine, start) = (t.engine.clone(), start.clone());
            let (id, token) = (ann.id(), ann.started.customer_token.clone());
            tokio::spawn(async move {
                start.wait().await;
                engine
                    .conversations()
                    .customer_message(id, &token, text, None)
                    .await
                    .unwrap();
            })
        })
        .collect();
    for task in futures::future::join_all(tasks).await {
        task.unwrap();
    }

    let decisions = ann.decisions().await;
    let handoffs = decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Handoff)
        .count();
    assert_eq!(handoffs, 1, "one handoff, then the bot is quiet: {decisions:#?}");
    assert_eq!(ann.bot_messages().await.len(), 1, "one bot reply");
    let conversation = ann.conversation().await;
    assert_eq!(
        (conversation.status, conversation.assignee_id),
        (ConversationStatus::Assigned, Some(agent.user().id)),
        "routed once and consistent"
    );
}
