//! `tandem models list | train | promote | rollback | replay`: the model registry from the
//! server's own machine. The commands act as a staff member (`--as EMAIL`): the engine's services
//! check that person's permissions, as for the API, and the audit log names them. A running server
//! picks up a promotion or rollback from the `content_changed` event it records.

use std::sync::Arc;

use anyhow::bail;
use clap::{Args, Subcommand};
use tandem_engine::auth::Staff;
use tandem_engine::supervision::models::{Comparison, ModelView};
use tandem_engine::supervision::replay::DEFAULT_LIMIT;
use tandem_engine::Engine;

use crate::open::{load_config, open_engine, StoreArgs};

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List the models, newest first (exactly one is active).
    List(Common),
    /// Train a candidate from the active content and compare it with the active model on the
    /// regression set (the pack's evaluation messages). The active model does not change.
    Train(Common),
    /// Make a model the active one, when the promotion gate lets it through; exits non-zero with
    /// the gate's reasons when it does not (the model is then marked refused).
    Promote(PromoteArgs),
    /// Make the model the active one replaced active again.
    Rollback(Common),
    /// Show which of the latest customer messages a model would decide differently from the
    /// active one.
    Replay(ReplayArgs),
}

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    store: StoreArgs,
    /// The staff account (e-mail address) the command acts as: a trainer, supervisor or admin.
    /// The audit log names them.
    #[arg(long = "as", value_name = "EMAIL")]
    as_email: String,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    #[command(flatten)]
    common: Common,
    /// The model's id (see `tandem models list`).
    id: String,
    /// Promote over the gate's refusal (admins only; needs --reason).
    #[arg(long)]
    force: bool,
    /// Why the model should be used anyway (kept with the model and in the audit log).
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    common: Common,
    /// The model's id (see `tandem models list`).
    id: String,
    /// How many of the latest customer messages to replay (1 to 1000).
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    limit: i64,
}

impl ModelsCommand {
    fn common(&self) -> &Common {
        match self {
            Self::List(c) | Self::Train(c) | Self::Rollback(c) => c,
            Self::Promote(p) => &p.common,
            Self::Replay(r) => &r.common,
        }
    }
}

/// Opens the engine with the active content running, and the staff member it acts as.
async fn open(common: &Common) -> anyhow::Result<(Arc<Engine>, Staff)> {
    let engine = open_engine(&load_config(&common.store, None)?).await?;
    let staff = engine.auth().staff_on_this_machine(&common.as_email).await?;
    engine.runtime().load_active().await?;
    Ok((engine, staff))
}

pub async fn run(command: ModelsCommand) -> anyhow::Result<()> {
    let (engine, staff) = open(command.common()).await?;
    let json = command.common().json;
    let models = engine.models();
    match command {
        ModelsCommand::List(_) => {
            let list = models.list(&staff).await?;
            if json {
                println!("{}", serde_json::json!({ "models": list }));
            } else {
                print!("{}", table(&list));
            }
        }
        ModelsCommand::Train(_) => {
            let trained = models.train(&staff).await?;
            if json {
                println!("{}", serde_json::json!(trained));
            } else {
                println!(
                    "Trained the candidate {} from {} examples.",
                    trained.model.id, trained.model.examples
                );
                print!("{}", comparison(&trained.comparison, &trained.model.id));
            }
        }
        ModelsCommand::Promote(args) => {
            let promoted = models
                .promote(&staff, &args.id, args.force, args.reason.as_deref())
                .await;
            match promoted {
                Ok(model) if json => println!("{}", serde_json::json!({ "model": model })),
                Ok(model) => println!(
                    "The model {} is active now{}.",
                    model.id,
                    if model.forced { " (forced)" } else { "" }
                ),
                Err(e) => match e.reasons() {
                    Some(reasons) => {
                        let mut text = format!("{e}; the model is marked refused:");
                        for r in reasons {
                            text.push_str(&format!("\n  - {r}"));
                        }
                        text.push_str("\nAn admin can promote it anyway with --force --reason TEXT.");
                        bail!(text)
                    }
                    None => return Err(e.into()),
                },
            }
        }
        ModelsCommand::Rollback(_) => {
            let model = models.rollback(&staff).await?;
            if json {
                println!("{}", serde_json::json!({ "model": model }));
            } else {
                println!("The model {} is active again.", model.id);
            }
        }
        ModelsCommand::Replay(args) => {
            let replay = models.replay(&staff, &args.id, args.limit).await?;
            if json {
                println!("{}", serde_json::json!(replay));
            } else {
                println!(
                    "{} of the latest {} customer messages would be decided differently by {}:",
                    replay.changed.len(),
                    replay.total,
                    replay.model_id
                );
                let show = |d: &tandem_engine::supervision::replay::Decided| {
                    format!("{} {}", d.kind, d.intent.as_deref().unwrap_or("-"))
                };
                for c in &replay.changed {
                    println!(
                        "  {} -> {}  {}",
                        show(&c.active),
                        show(&c.candidate),
                        c.text.replace('\n', " ")
                    );
                }
            }
        }
    }
    Ok(())
}

/// The models as a table, one line each.
fn table(models: &[ModelView]) -> String {
    let mut out = format!(
        "{:<36}  {:<9}  {:<16}  {:>8}  {:>8}  {:>8}\n",
        "ID", "STATUS", "CREATED", "EXAMPLES", "ACCURACY", "MACRO-F1"
    );
    for m in models {
        out.push_str(&format!(
            "{:<36}  {:<9}  {:<16}  {:>8}  {:>8.3}  {:>8.3}\n",
            m.id,
            m.status,
            m.created_at.format("%Y-%m-%d %H:%M"),
            m.examples,
            m.metrics.accuracy,
            m.metrics.macro_f1
        ));
    }
    out
}

/// The active model and a candidate side by side, the regressions and the gate's verdict.
fn comparison(c: &Comparison, id: &str) -> String {
    let mut out = format!("{:<10}  {:>8}  {:>8}\n", "", "ACCURACY", "MACRO-F1");
    for (name, s) in [("active", &c.active), ("candidate", &c.candidate)] {
        out.push_str(&format!("{name:<10}  {:>8.3}  {:>8.3}\n", s.accuracy, s.macro_f1));
    }
    if c.regressions.is_empty() {
        out.push_str("No intent is recognised less often.\n");
    } else {
        out.push_str("Recognised less often (recall before -> after):\n");
        for r in &c.regressions {
            out.push_str(&format!(
                "  {:<24}  {:.3} -> {:.3}\n",
                r.intent, r.before, r.after
            ));
        }
    }
    if c.reasons.is_empty() {
        out.push_str(&format!(
            "The promotion gate lets it through: tandem models promote {id} --as EMAIL\n"
        ));
    } else {
        out.push_str("The promotion gate would refuse it:\n");
        for r in &c.reasons {
            out.push_str(&format!("  - {r}\n"));
        }
    }
    out
}
