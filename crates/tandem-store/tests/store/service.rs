//! Contract cases for service levels and the numbers insights read.

use chrono::{Duration, Utc};
use tandem_core::event::{Actor, EventKind};
use tandem_core::model::{Author, ConversationStatus, Role};
use tandem_store::*;

use crate::contract::{customer_says, new_conversation, new_user};

pub async fn service_levels_are_breached_once_and_filtered(store: &dyn Store) {
    let (late, _) = store
        .create_conversation(new_conversation("p@x.org"))
        .await
        .unwrap();
    let (fine, _) = store
        .create_conversation(new_conversation("q@x.org"))
        .await
        .unwrap();
    let now = Utc::now();
    let handoff = |first: Duration, resolution: Duration| ConversationChange {
        status: Some(ConversationStatus::Queued),
        sla_due: Some((now + first, now + resolution)),
        ..Default::default()
    };
    store
        .update_conversation(
            late.id,
            handoff(Duration::minutes(-5), Duration::minutes(60)),
            Actor::Bot,
        )
        .await
        .unwrap();
    store
        .update_conversation(
            fine.id,
            handoff(Duration::minutes(30), Duration::minutes(60)),
            Actor::Bot,
        )
        .await
        .unwrap();

    let events = store.record_sla_breaches(now).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].conversation_id, events[0].kind),
        (Some(late.id), EventKind::SlaBreached)
    );
    assert_eq!(events[0].data["target"], "first_response");
    assert!(
        store.record_sla_breaches(now).await.unwrap().is_empty(),
        "a breach is recorded once"
    );
    let sla = store
        .get_conversation(late.id)
        .await
        .unwrap()
        .unwrap()
        .sla
        .unwrap();
    assert!(sla.first_response_breached && !sla.resolution_breached && sla.first_response_at.is_none());
    let breaching = ConversationFilter {
        sla_breached: true,
        ..Default::default()
    };
    let ids: Vec<_> = store
        .list_conversations(&breaching)
        .await
        .unwrap()
        .conversations
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![late.id]);

    // An agent's reply is the first response; notes are not.
    let agent = store.create_user(new_user("r@x.org", Role::Agent)).await.unwrap();
    let reply = |internal| NewMessage {
        conversation_id: fine.id,
        author: Author::Agent,
        author_user_id: Some(agent.id),
        text: "on it".into(),
        preview: "on it".into(),
        internal,
        sources: vec![],
        choices: vec![],
        choice: None,
        actor: Actor::User { id: agent.id },
        attachments: Vec::new(),
    };
    store.append_message(reply(true)).await.unwrap();
    assert!(store
        .get_conversation(fine.id)
        .await
        .unwrap()
        .unwrap()
        .sla
        .unwrap()
        .first_response_at
        .is_none());
    store.append_message(reply(false)).await.unwrap();
    let answered = store
        .get_conversation(fine.id)
        .await
        .unwrap()
        .unwrap()
        .sla
        .unwrap();
    assert!(answered.first_response_at.is_some());
    assert!(
        store
            .record_sla_breaches(now + Duration::minutes(45))
            .await
            .unwrap()
            .is_empty(),
        "answered in time"
    );
    let late_resolution = store
        .record_sla_breaches(now + Duration::minutes(61))
        .await
        .unwrap();
    assert_eq!(
        late_resolution.len(),
        2,
        "both cases are still open after their resolution target"
    );
    assert!(late_resolution.iter().all(|e| e.data["target"] == "resolution"));
}

pub fn decision(
    message: tandem_core::ids::MessageId,
    verdict: tandem_core::decision::Verdict,
) -> NewDecision {
    NewDecision {
        message_id: message,
        verdict,
        intent: Some("some_intent".to_owned()),
        confidence: 0.9,
        top_intents: Vec::new(),
        signals: Default::default(),
        reasons: Vec::new(),
        entities: serde_json::json!({}),
    }
}

pub async fn insight_counts_cover_decisions_statuses_and_teams(store: &dyn Store) {
    use tandem_core::decision::{DecisionKind, HandoffReason, Verdict};
    let team = store
        .create_team(NewTeam {
            name: "support".to_owned(),
            skills: Vec::new(),
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for email in ["a@x.org", "b@x.org", "c@x.org"] {
        let (c, _) = store.create_conversation(new_conversation(email)).await.unwrap();
        let (m, _) = store.append_message(customer_says(c.id, "hello")).await.unwrap();
        ids.push((c.id, m.id));
    }
    // a: answered; b: handed to the support team; c: handed over without a team.
    let (a, am) = ids[0];
    let answered = BotTurn {
        conversation_id: a,
        decision: decision(am, Verdict::Answer),
        reply: None,
        change: ConversationChange::default(),
    };
    assert!(store.record_bot_turn(answered).await.unwrap().is_some());
    for (i, (team_id, reason)) in [
        (Some(team.id), HandoffReason::CustomerRequest),
        (None, HandoffReason::Frustration),
    ]
    .into_iter()
    .enumerate()
    {
        let (c, m) = ids[i + 1];
        let d = decision(m, Verdict::Handoff { reason });
        let turn = BotTurn {
            conversation_id: c,
            decision: d,
            reply: None,
            change: ConversationChange {
                status: Some(ConversationStatus::Queued),
                team: team_id.map(Some),
                handoff: Some(reason),
                ..Default::default()
            },
        };
        assert!(store.record_bot_turn(turn).await.unwrap().is_some());
    }

    let counts = store
        .insight_counts(Utc::now() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(counts.conversations, 3);
    let today = Utc::now().date_naive();
    let mut decisions = counts.decisions.clone();
    decisions.sort_by_key(|t| (t.kind.as_str(), t.handoff_reason.map(|r| r.as_str())));
    assert_eq!(
        decisions,
        vec![
            DecisionTally {
                day: today,
                kind: DecisionKind::Answer,
                handoff_reason: None,
                count: 1
            },
            DecisionTally {
                day: today,
                kind: DecisionKind::Handoff,
                handoff_reason: Some(HandoffReason::CustomerRequest),
                count: 1
            },
            DecisionTally {
                day: today,
                kind: DecisionKind::Handoff,
                handoff_reason: Some(HandoffReason::Frustration),
                count: 1
            },
        ]
    );
    let mut by_status = counts.by_status.clone();
    by_status.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(
        by_status,
        vec![(ConversationStatus::Bot, 1), (ConversationStatus::Queued, 2)]
    );
    let mut by_team = counts.open_by_team.clone();
    by_team.sort_by_key(|(t, _)| t.map(|t| t.to_string()));
    assert_eq!(by_team, vec![(None, 1), (Some(team.id), 1)]);

    // Nothing started or decided after now; the queues are what they are.
    let later = store
        .insight_counts(Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(later.conversations, 0);
    assert!(later.decisions.is_empty());
    assert_eq!(later.open_by_team.len(), 2);
}
