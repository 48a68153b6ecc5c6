//! Helpers for the engine's integration tests: an engine on a fresh SQLite store, the demo pack, a
//! small in-code pack for rule tests, staff members and a customer's view of a conversation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tandem_core::decision::Decision;
use tandem_core::ids::TeamId;
use tandem_core::model::{Author, Conversation, Message, Role, Team, User};
use tandem_engine::auth::Staff;
use tandem_engine::conversations::StartedConversation;
use tandem_engine::pack::model::{
    Article, BotTexts, ConnectorDef, ConnectorSpec, DatabaseDef, IdentitySettings, IntentDef, IntentKind,
    PackManifest, PolicySettings, RoutingSettings, SlotDef, TeamDef, Verification,
};
use tandem_engine::pack::Pack;
use tandem_engine::{Engine, EngineConfig, LocalBus};
use tandem_store::{NewUser, SqliteDurability, Store, UserChange};

/// An engine on its own temporary SQLite store and data directory.
pub struct TestEngine {
    pub engine: Arc<Engine>,
    pub store: Arc<dyn Store>,
    /// An admin, for the staff side (decisions, conversation details).
    pub admin: SignedIn,
    /// Holds the database and the data directory (business databases) until the test ends.
    pub dir: tempfile::TempDir,
}

/// A fresh engine without a pack (the bot stays quiet).
pub async fn engine() -> TestEngine {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tandem.db");
    let store = tandem_store::open(db.to_str().unwrap(), SqliteDurability::Normal)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let config = EngineConfig {
        data_dir: dir.path().join("data"),
        ..EngineConfig::default()
    };
    let engine = Arc::new(
        Engine::open(store.clone(), Arc::new(LocalBus::default()), config)
            .await
            .unwrap(),
    );
    let admin = sign_in(&engine, "admin@tandem.test", Role::Admin).await;
    TestEngine {
        engine,
        store,
        admin,
        dir,
    }
}

/// A fresh engine with the demo pack imported (this trains the demo's intent model: a few seconds).
pub async fn demo_engine() -> TestEngine {
    let t = engine().await;
    let imported = t.engine.runtime().import_pack(demo_pack()).await.unwrap();
    assert!(imported.intents >= 9 && imported.articles >= 1, "{imported:?}");
    t
}

/// A fresh engine with the [`rule_pack`] imported (small: trains quickly).
pub async fn rule_engine(agent_capacity: u32) -> TestEngine {
    let t = engine().await;
    t.engine
        .runtime()
        .import_pack(rule_pack(agent_capacity))
        .await
        .unwrap();
    t
}

pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/demo")
}

/// The demo pack, read from `packs/demo`.
pub fn demo_pack() -> Pack {
    tandem_engine::pack::load_dir(&demo_dir()).unwrap_or_else(|e| panic!("packs/demo does not load: {e}"))
}

/// Stores `pack` as the active pack with the active model of the pack installed now (the same
/// intents, so the model fits), and makes the engine use it: no training. For variants of an
/// installed pack whose connectors or texts differ.
pub async fn swap_pack_keeping_model(t: &TestEngine, pack: &Pack) {
    let current = t.store.active_pack().await.unwrap().expect("a pack is installed");
    let model = t
        .store
        .active_model(&current.id)
        .await
        .unwrap()
        .expect("the pack has a model");
    let content = serde_json::to_string(pack).unwrap();
    let stored = t
        .store
        .save_pack(&pack.manifest.name, &pack.manifest.version, &content, None)
        .await
        .unwrap();
    t.store
        .save_model(
            &stored.id,
            &model.bytes,
            &model.metrics,
            &model.training_set_hash,
            None,
        )
        .await
        .unwrap();
    assert!(
        t.engine.runtime().load_active().await.unwrap(),
        "the swapped pack is active"
    );
}

/// A staff member with this role.
pub async fn user(store: &dyn Store, email: &str, role: Role) -> User {
    store
        .create_user(NewUser {
            email: email.to_owned(),
            name: email.split('@').next().unwrap_or(email).to_owned(),
            role,
            password_hash: "not-a-real-hash".to_owned(),
        })
        .await
        .unwrap()
}

/// A team by name (created by the pack import).
pub async fn team(store: &dyn Store, name: &str) -> Team {
    store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no team `{name}`"))
}

/// A staff member with a role, teams and availability.
pub async fn staff(t: &TestEngine, email: &str, role: Role, teams: &[TeamId], available: bool) -> Staff {
    let signed_in = sign_in(&t.engine, email, role).await;
    t.store
        .update_user(
            signed_in.user().id,
            UserChange {
                team_ids: Some(teams.to_vec()),
                ..UserChange::default()
            },
        )
        .await
        .unwrap();
    t.store
        .set_available(signed_in.user().id, available)
        .await
        .unwrap();
    // The capability carries the user as authentication found it: sign in again for the teams.
    t.engine.auth().staff(&signed_in.token).await.unwrap()
}

/// A staff member as only authentication makes one: an account with a password, a login, and the
/// session's token checked.
pub struct SignedIn {
    pub staff: Staff,
    pub token: String,
}

impl std::ops::Deref for SignedIn {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.staff
    }
}

pub async fn sign_in(engine: &Engine, email: &str, role: Role) -> SignedIn {
    let password = "a test password 42";
    engine
        .staff()
        .create_user_unchecked(tandem_engine::staff::NewStaff {
            email: email.to_owned(),
            name: email.split('@').next().unwrap_or(email).to_owned(),
            role,
            password: Some(password.to_owned()),
        })
        .await
        .unwrap();
    let login = engine.auth().login(email, password, "test").await.unwrap();
    let staff = engine.auth().staff(&login.token).await.unwrap();
    SignedIn {
        staff,
        token: login.token,
    }
}

/// A customer in a conversation, as the widget sees it.
pub struct Customer<'a> {
    pub t: &'a TestEngine,
    pub started: StartedConversation,
}

impl<'a> Customer<'a> {
    pub async fn start(t: &'a TestEngine, name: &str, email: &str) -> Customer<'a> {
        let started = t.engine.conversations().start(name, email, None).await.unwrap();
        Customer { t, started }
    }

    pub fn id(&self) -> tandem_core::ids::ConversationId {
        self.started.conversation.id
    }

    /// Sends a message; returns the stored message and the bot messages that came after it.
    pub async fn say(&self, text: &str) -> (Message, Vec<Message>) {
        self.send(text, None).await
    }

    /// Picks one of the bot's choices (its label as the text).
    pub async fn pick(&self, label: &str, choice: &str) -> (Message, Vec<Message>) {
        self.send(label, Some(choice)).await
    }

    async fn send(&self, text: &str, choice: Option<&str>) -> (Message, Vec<Message>) {
        let before = self.messages().await.len();
        let sent = self
            .t
            .engine
            .conversations()
            .customer_message(self.id(), &self.started.customer_token, text, choice)
            .await
            .unwrap();
        let after = self.messages().await;
        let replies = after
            .into_iter()
            .skip(before + 1)
            .filter(|m| m.author == Author::Bot)
            .collect();
        (sent, replies)
    }

    /// Sends a message and returns the text of the bot's replies (one string).
    pub async fn ask(&self, text: &str) -> String {
        let (_, replies) = self.say(text).await;
        replies
            .iter()
            .map(|m| m.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every message the customer sees.
    pub async fn messages(&self) -> Vec<Message> {
        self.t
            .engine
            .conversations()
            .customer_messages(self.id(), &self.started.customer_token)
            .await
            .unwrap()
    }

    pub async fn bot_messages(&self) -> Vec<Message> {
        self.messages()
            .await
            .into_iter()
            .filter(|m| m.author == Author::Bot)
            .collect()
    }

    /// The conversation as staff see it.
    pub async fn conversation(&self) -> Conversation {
        self.t
            .engine
            .conversations()
            .show(&self.t.admin, self.id())
            .await
            .unwrap()
            .0
    }

    /// The bot's decisions, oldest first, as staff see them.
    pub async fn decisions(&self) -> Vec<Decision> {
        self.t
            .engine
            .conversations()
            .decisions(&self.t.admin, self.id())
            .await
            .unwrap()
    }

    pub async fn last_decision(&self) -> Decision {
        self.decisions().await.pop().expect("the bot decided something")
    }
}

fn examples(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn intent(name: &str, kind: IntentKind, list: &[&str]) -> IntentDef {
    IntentDef {
        name: name.to_owned(),
        description: format!("the {name} intent"),
        label: None,
        kind,
        examples: examples(list),
        threshold: None,
        slots: Vec::new(),
        connector: None,
        template: None,
        article_tags: Vec::new(),
        handoff_reason: None,
        team: None,
        priority: None,
    }
}

/// The disclosure of the [`rule_pack`].
pub const RULE_DISCLOSURE: &str = "You are chatting with the Bakery bot.";
/// The handoff text of the [`rule_pack`].
pub const RULE_HANDOFF: &str = "A person from the bakery will take over.";

/// A small pack written in code, for rule and routing tests: a bakery with an automated
/// `order_status` (slot `order_id`, owner-checked sql connector `order_lookup` on the seeded
/// database `shop`), an FAQ `opening_hours`, a human `refund_dispute` (team `billing`) and an
/// acknowledge `hello`. Teams `support` (default) and `billing`.
pub fn rule_pack(agent_capacity: u32) -> Pack {
    let mut order_status = intent(
        "order_status",
        IntentKind::Automated,
        &[
            "Is my order B1234 ready?",
            "can I pick up order B2001 yet",
            "Hi, is the cake for B1100 done?",
            "status of my order",
            "When can I collect my order?",
            "Is B1456 ready for collection?",
            "hello, checking on my birthday cake order B1990",
            "has my order been baked yet",
            "Ready yet? B1301",
            "Can you tell me if my order is ready please?",
            "where is my cake order",
            "is order B1777 finished",
        ],
    );
    order_status.connector = Some("order_lookup".into());
    order_status.template = Some("order_status".into());
    order_status.slots = vec![SlotDef {
        name: "order_id".into(),
        entity: "order_number".into(),
        prompt: "What's your order number? It starts with B.".into(),
        owned: true,
    }];
    let mut opening_hours = intent(
        "opening_hours",
        IntentKind::Faq,
        &[
            "When are you open?",
            "what are your opening hours",
            "Are you open on Sunday?",
            "what time do you close today",
            "What time does the bakery open in the morning?",
            "are you open on public holidays",
            "hours on saturday?",
            "Until when can I come by the shop?",
            "is the shop open late on fridays",
            "opening times please",
        ],
    );
    opening_hours.article_tags = vec!["hours".into()];
    let mut refund_dispute = intent(
        "refund_dispute",
        IntentKind::Human,
        &[
            "I was charged twice for my cake",
            "You charged my card the wrong amount",
            "I want to dispute a payment",
            "There is a charge on my statement I don't recognise",
            "My refund never arrived",
            "I paid twice for the same order",
            "I want my money back for a double payment",
            "the amount you billed me is wrong",
            "I'm going to file a chargeback",
            "why was my credit card charged again",
        ],
    );
    refund_dispute.team = Some("billing".into());
    refund_dispute.priority = Some("high".into());
    let mut hello = intent(
        "hello",
        IntentKind::Acknowledge,
        &[
            "Hi",
            "Hello",
            "Hey there",
            "Good morning",
            "Hi there!",
            "Hello, anyone here?",
            "Good evening",
            "hey",
            "Hiya",
            "Greetings",
            "good afternoon",
        ],
    );
    hello.template = Some("hello".into());

    let manifest = PackManifest {
        name: "rule-bakery".into(),
        description: "A tiny bakery for tests".into(),
        version: "1".into(),
        language: "en".into(),
        texts: BotTexts {
            disclosure: RULE_DISCLOSURE.into(),
            handoff: RULE_HANDOFF.into(),
            rephrase: "Sorry, could you say that another way?".into(),
            not_found: "I couldn't find that order for your e-mail address.".into(),
            choose: "Did you mean one of these?".into(),
            talk_to_person: "Talk to a person".into(),
            dropped: "All right. Anything else?".into(),
            privacy: None,
            agent_name: None,
        },
        policy: PolicySettings::default(),
        // The rule pack's customers are trusted by their address (tests/engine/identity.rs has the question).
        identity: IdentitySettings {
            verification: Some(Verification::Email),
            challenge: None,
        },
        databases: BTreeMap::from([(
            "shop".to_owned(),
            DatabaseDef {
                url: None,
                seed: Some("shop.sql".into()),
            },
        )]),
        customers: Default::default(),
        routing: RoutingSettings {
            default_team: Some("support".into()),
            teams: vec![
                TeamDef {
                    name: "support".into(),
                    skills: vec!["orders".into()],
                },
                TeamDef {
                    name: "billing".into(),
                    skills: vec!["payments".into()],
                },
            ],
            agent_capacity,
            ..RoutingSettings::default()
        },
        canned_replies: Vec::new(),
        root_causes: Default::default(),
    };
    Pack {
        manifest,
        // In file-name order, as `load_dir` reads them.
        intents: vec![hello, opening_hours, order_status, refund_dispute],
        articles: vec![Article {
            slug: "hours".into(),
            title: "Opening hours".into(),
            tags: vec!["hours".into()],
            url: "https://bakery.example/hours".into(),
            body: "The bakery is open Monday to Saturday from 7 am to 6 pm and closed on Sundays and public \
                   holidays."
                .into(),
        }],
        templates: BTreeMap::from([
            (
                "order_status".to_owned(),
                "Your order {{ row.order_id }} is {{ row.status }}.".to_owned(),
            ),
            (
                "hello".to_owned(),
                "Hello{% if customer.name %} {{ customer.name }}{% endif %}!".to_owned(),
            ),
        ]),
        connectors: vec![ConnectorDef {
            name: "order_lookup".into(),
            spec: ConnectorSpec::Sql {
                database: "shop".into(),
                query: "SELECT id AS order_id, status, email FROM orders WHERE id = upper($1)".into(),
                params: vec!["order_id".into()],
            },
            owner_field: Some("email".into()),
        }],
        seeds: BTreeMap::from([(
            "shop.sql".to_owned(),
            "CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT NOT NULL, email TEXT NOT NULL);\n\
             INSERT INTO orders VALUES ('B1001', 'ready', 'ann@example.com');\n"
                .to_owned(),
        )]),
        widget: BTreeMap::new(),
        eval: Vec::new(),
        practice: Vec::new(),
        offers: Vec::new(),
    }
}

/// The intents of a pack by name, as the policy takes them.
pub fn intents_by_name(pack: &Pack) -> BTreeMap<String, IntentDef> {
    pack.intents.iter().map(|i| (i.name.clone(), i.clone())).collect()
}
