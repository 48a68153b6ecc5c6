//! The cost of one customer message does not grow with the conversation: a routine question ("What
//! is your return policy?", answered by the bot from the knowledge base, no handoff) posted as the
//! customer's 2nd message and as the customer's 200th message of a conversation that stayed with
//! the bot all along. A bot turn reads a bounded window (the latest 40 messages and 20 decisions),
//! so the two should cost about the same.
//!
//! Set-up, outside the measurement: an engine over a temporary SQLite store with the demo pack
//! imported (training takes a few seconds).
//!
//! Each measured iteration posts into a fresh conversation, prepared (untimed) through the engine's
//! own API, one real bot turn per earlier customer message: "Hi", then routine questions the bot
//! answers. Why fresh conversations rather than one long conversation that keeps receiving the
//! question: that conversation would grow by two messages with every iteration (criterion runs
//! dozens to hundreds), and a customer repeating the same request is a frustration cue, so after a
//! few repeats the bot rightly hands the case to a person and stops answering, which is not the
//! turn we mean to measure. Preparing a 199-turn conversation costs 199 bot turns, so that
//! benchmark runs only about 50 iterations (flat sampling, 10 samples). Every iteration checks
//! (untimed) that the measured message was answered by the bot from the knowledge base
//! (`return_policy`) and the conversation is still with the bot.
//!
//! "Message" counts the customer's messages: conversation (b) holds 199 customer messages, 199 bot
//! replies and 199 decisions before the measured one. The store runs with `normal` durability (as
//! in the tests): no fsync per commit, so the disk does not hide the work of the turn.

use std::fmt::Display;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use tandem_core::decision::DecisionKind;
use tandem_core::ids::ConversationId;
use tandem_core::model::{Author, ConversationStatus};
use tandem_engine::{Engine, EngineConfig, LocalBus};
use tandem_store::prelude::*;
use tandem_store::SqliteDurability;

/// The measured message: an FAQ the bot answers from the knowledge base.
const QUESTION: &str = "What is your return policy?";
const QUESTION_INTENT: &str = "return_policy";

/// The customer's earlier messages after "Hi": routine questions the bot answers (FAQs, an order
/// and a store-credit lookup, thanks), none about returns. More than the 12 earlier messages the
/// frustration signal compares with, and no two neighbours on the same topic, so nothing reads as
/// a repeated request and the bot never says the same thing twice in a row.
const ROUTINE: [&str; 16] = [
    "How long does shipping take?",
    "What size should I get?",
    "How do I wash my merino sweater?",
    "What are your opening hours?",
    "Can I pay with PayPal?",
    "Do you sell gift cards?",
    "Where is my order A1001?",
    "Thanks!",
    "Do you ship internationally?",
    "How do I delete my account?",
    "I need a different size, can I swap it?",
    "How much store credit do I have?",
    "Do you take American Express?",
    "How do I clean the down vest?",
    "What's your phone number?",
    "Are your clothes true to size?",
];

/// Earlier customer messages before the 2nd and before the 200th message.
const SHORT: usize = 1;
const LONG: usize = 199;

/// A conversation ready for the measured message.
struct Prepared {
    id: ConversationId,
    token: String,
}

struct Setup {
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn fail(message: &str) -> ! {
    eprintln!("turn bench: {message}");
    std::process::exit(1)
}

trait OrExit<T> {
    fn or_exit(self, what: &str) -> T;
}

impl<T, E: Display> OrExit<T> for Result<T, E> {
    fn or_exit(self, what: &str) -> T {
        match self {
            Ok(value) => value,
            Err(e) => fail(&format!("{what}: {e}")),
        }
    }
}

impl Setup {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .or_exit("building the tokio runtime");
        let dir = tempfile::tempdir().or_exit("creating a temporary directory");
        let (engine, store) = runtime.block_on(async {
            let db = dir.path().join("tandem.db");
            let store = tandem_store::open(&db.display().to_string(), SqliteDurability::Normal)
                .await
                .or_exit("opening the SQLite store");
            store.migrate().await.or_exit("migrating the store");
            let config = EngineConfig {
                data_dir: dir.path().join("data"),
                ..EngineConfig::default()
            };
            let engine = Arc::new(
                Engine::open(store.clone(), Arc::new(LocalBus::default()), config)
                    .await
                    .or_exit("opening the engine"),
            );
            let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/demo");
            let pack = tandem_engine::pack::load_dir(&demo).or_exit("loading packs/demo");
            engine
                .runtime()
                .import_pack(pack)
                .await
                .or_exit("importing the demo pack");
            (engine, store)
        });
        Self {
            engine,
            store,
            runtime,
            _dir: dir,
        }
    }

    /// A fresh conversation in which the customer has written `earlier` messages ("Hi", then the
    /// routine questions in turn), each answered by a real bot turn.
    async fn prepare(&self, earlier: usize) -> Prepared {
        let started = self
            .engine
            .conversations()
            .start("Maria Rossi", "maria.rossi@example.com", None)
            .await
            .or_exit("starting a conversation");
        let id = started.conversation.id;
        let texts = std::iter::once("Hi").chain(ROUTINE.iter().copied().cycle());
        for text in texts.take(earlier) {
            self.engine
                .conversations()
                .customer_message(id, &started.customer_token, text, None)
                .await
                .or_exit("posting an earlier message");
        }
        self.check_with_bot(id).await;
        Prepared {
            id,
            token: started.customer_token,
        }
    }

    async fn check_with_bot(&self, id: ConversationId) {
        let conversation = self
            .store
            .get_conversation(id)
            .await
            .or_exit("reading the conversation");
        if conversation.map(|c| c.status) != Some(ConversationStatus::Bot) {
            let last = self.store.recent_decisions(id, 2).await.unwrap_or_default();
            let why: Vec<_> = last.iter().map(|d| (d.kind, &d.intent, &d.reasons)).collect();
            fail(&format!(
                "the conversation left the bot; its last decisions: {why:?}"
            ));
        }
    }

    /// Checks (untimed) that the bot answered the measured question itself and kept the case.
    async fn check_answered(&self, id: ConversationId) {
        let last = self
            .store
            .recent_decisions(id, 1)
            .await
            .or_exit("reading the last decision");
        let Some(decision) = last.last() else {
            fail("the bot made no decision about the measured message")
        };
        if decision.kind != DecisionKind::Answer || decision.intent.as_deref() != Some(QUESTION_INTENT) {
            fail(&format!(
                "the measured message was not answered from the knowledge base: {:?} {:?} {:?}",
                decision.kind, decision.intent, decision.reasons
            ));
        }
        self.check_with_bot(id).await;
    }

    /// Posts the measured message into `iters` fresh conversations with `earlier` customer messages
    /// each; returns the time of the posts alone.
    fn measure(&self, earlier: usize, iters: u64) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let conversation = self.runtime.block_on(self.prepare(earlier));
            total += self.runtime.block_on(async {
                let started = Instant::now();
                self.engine
                    .conversations()
                    .customer_message(conversation.id, &conversation.token, QUESTION, None)
                    .await
                    .or_exit("posting the measured message");
                started.elapsed()
            });
            self.runtime.block_on(self.check_answered(conversation.id));
        }
        total
    }

    /// Once: each routine question, asked after "Hi" in a conversation of its own, is answered by
    /// the bot (exits naming every one that is not, e.g. after a change to the demo pack).
    fn vet_routine(&self) {
        self.runtime.block_on(async {
            let mut failed = Vec::new();
            for text in ROUTINE {
                let started = self
                    .engine
                    .conversations()
                    .start("Maria Rossi", "maria.rossi@example.com", None)
                    .await
                    .or_exit("starting a conversation");
                let id = started.conversation.id;
                for message in ["Hi", text] {
                    self.engine
                        .conversations()
                        .customer_message(id, &started.customer_token, message, None)
                        .await
                        .or_exit("posting a routine question");
                }
                let last = self
                    .store
                    .recent_decisions(id, 1)
                    .await
                    .or_exit("reading a decision");
                match last.last() {
                    Some(d) if stays_with_bot(d.kind) => {}
                    other => failed.push(format!(
                        "{text:?}: {:?}",
                        other.map(|d| (d.kind, &d.intent, &d.reasons))
                    )),
                }
            }
            if !failed.is_empty() {
                fail(&format!(
                    "routine questions the bot does not answer:\n  {}",
                    failed.join("\n  ")
                ));
            }
        });
    }

    /// Once per size: what the conversation holds before the measured message, and that every
    /// earlier turn stayed with the bot (no handoff, no question back).
    fn describe(&self, earlier: usize) {
        self.runtime.block_on(async {
            let c = self.prepare(earlier).await;
            let messages = self
                .store
                .list_messages(c.id, false)
                .await
                .or_exit("listing messages");
            let decisions = self.store.list_decisions(c.id).await.or_exit("listing decisions");
            if let Some(d) = decisions.iter().find(|d| !stays_with_bot(d.kind)) {
                fail(&format!(
                    "an earlier turn did not stay with the bot: {:?} {:?} {:?}",
                    d.kind, d.intent, d.reasons
                ));
            }
            let customer = messages.iter().filter(|m| m.author == Author::Customer).count();
            eprintln!(
                "turn bench: message {} is posted into a conversation of {} messages ({customer} from \
                 the customer) and {} decisions",
                customer + 1,
                messages.len(),
                decisions.len()
            );
        });
    }

    /// Drops the engine and the store inside the runtime (their connections close there).
    fn close(self) {
        let Self {
            engine,
            store,
            runtime,
            _dir,
        } = self;
        runtime.block_on(async move {
            drop(engine);
            drop(store);
        });
        drop(_dir);
    }
}

/// A decision that keeps the case with the bot and needs nothing more from the customer.
fn stays_with_bot(kind: DecisionKind) -> bool {
    matches!(
        kind,
        DecisionKind::Answer | DecisionKind::Resolve | DecisionKind::Acknowledge
    )
}

fn bench(c: &mut Criterion) {
    let setup = Setup::new();
    setup.vet_routine();
    setup.describe(SHORT);
    setup.describe(LONG);
    let mut group = c.benchmark_group("turn");
    // Each iteration prepares its own conversation (untimed; up to 199 bot turns). With
    // `iter_custom`, criterion sizes the samples by wall-clock time, preparation included: with
    // flat sampling and 10 samples in about 20 s, the 2nd message is posted a few thousand times and
    // the 200th (about 0.5 s of preparation each) about 50 times.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("2nd message", |b| {
        b.iter_custom(|iters| setup.measure(SHORT, iters))
    });
    group.bench_function("200th message", |b| {
        b.iter_custom(|iters| setup.measure(LONG, iters))
    });
    group.finish();
    setup.close();
}

criterion_group!(benches, bench);
criterion_main!(benches);
