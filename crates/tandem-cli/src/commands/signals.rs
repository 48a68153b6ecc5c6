//! `tandem signals eval` and `tandem signals analyze`. Thin: reading files and printing; the
//! detectors and metrics live in `tandem_nlu`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use serde::Serialize;
use tandem_nlu::metrics::ranking::{self, RankingSummary};
use tandem_nlu::num::usize_to_f64;
use tandem_nlu::signals::{self, Context, Source};

use super::stdin::read_stdin;

#[derive(Debug, Subcommand)]
pub enum SignalsCommand {
    /// Measure the frustration score on labelled turns (CSV `context,text,label`).
    Eval(SignalsEvalArgs),
    /// Print the signals of one message (read from --text or stdin) as JSON.
    Analyze(SignalsAnalyzeArgs),
}

#[derive(Debug, Args)]
pub struct SignalsEvalArgs {
    /// CSV with the header `context,text,label`, labels `dissatisfied` / `ok`.
    #[arg(long)]
    pub data: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignalsAnalyzeArgs {
    /// The customer's message (default: read stdin).
    #[arg(long)]
    pub text: Option<String>,
    /// A bot turn before the message (repeat, oldest first).
    #[arg(long = "bot")]
    pub bot_turns: Vec<String>,
    /// An earlier message of the customer (repeat, oldest first).
    #[arg(long = "earlier")]
    pub earlier_messages: Vec<String>,
}

pub fn run(cmd: SignalsCommand) -> anyhow::Result<()> {
    match cmd {
        SignalsCommand::Eval(args) => eval(&args),
        SignalsCommand::Analyze(args) => analyze(args),
    }
}

fn analyze(args: SignalsAnalyzeArgs) -> anyhow::Result<()> {
    let text = match args.text {
        Some(t) => t,
        None => read_stdin()?,
    };
    let mut ctx = Context::new();
    ctx.bot_turns = args.bot_turns.iter().map(String::as_str).collect();
    ctx.earlier_messages = args.earlier_messages.iter().map(String::as_str).collect();
    let signals = signals::analyze(&text, &ctx);
    println!("{}", serde_json::to_string_pretty(&signals)?);
    Ok(())
}

/// One labelled turn.
struct Row {
    context: String,
    text: String,
    dissatisfied: bool,
}

fn read_rows(path: &Path) -> anyhow::Result<Vec<Row>> {
    let name = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("opening {name}"))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{name} line 1: reading the header"))?
        .clone();
    let columns: Vec<&str> = headers
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}'))
        .collect();
    if columns != ["context", "text", "label"] {
        bail!(
            "{name} line 1: the header must be `context,text,label`, found `{}`",
            columns.join(",")
        );
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => anyhow::anyhow!("{name} line {}: malformed CSV: {e}", p.line()),
            None => anyhow::anyhow!("{name}: malformed CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let (Some(context), Some(text), Some(label)) = (record.get(0), record.get(1), record.get(2)) else {
            bail!("{name} line {line}: expected 3 fields, found {}", record.len());
        };
        let dissatisfied = match label.trim() {
            "dissatisfied" => true,
            "ok" => false,
            other => bail!("{name} line {line}: label must be `dissatisfied` or `ok`, found `{other}`"),
        };
        rows.push(Row {
            context: context.to_string(),
            text: text.to_string(),
            dissatisfied,
        });
    }
    Ok(rows)
}

/// How often a cue appears in the evidence of positive and negative examples.
#[derive(Debug, Default, Serialize)]
struct CueCount {
    cue: String,
    positives: usize,
    negatives: usize,
}

#[derive(Debug, Serialize)]
struct EvalReport {
    data: String,
    score: &'static str,
    context: &'static str,
    examples: usize,
    positives: usize,
    base_rate: f64,
    roc_auc: f64,
    average_precision: f64,
    best_f1: f64,
    best_f1_threshold: f64,
    best_f1_precision: f64,
    best_f1_recall: f64,
    scored_above_zero_positives: usize,
    scored_above_zero_negatives: usize,
    microseconds_per_example: f64,
    top_cues: Vec<CueCount>,
}

fn eval(args: &SignalsEvalArgs) -> anyhow::Result<()> {
    let rows = read_rows(&args.data)?;
    let detector = signals::detector();
    let mut scores = Vec::with_capacity(rows.len());
    let mut labels = Vec::with_capacity(rows.len());
    let mut cues: BTreeMap<String, CueCount> = BTreeMap::new();
    let mut nonzero = (0usize, 0usize);
    let started = Instant::now();
    for row in &rows {
        // Each row is scored on its own, with `context` as the bot's previous turn: the file does
        // not mark where one conversation ends, so earlier rows are never used as history.
        let ctx = if row.context.is_empty() {
            Context::new()
        } else {
            Context::new().with_bot_turn(&row.context)
        };
        let signals = detector.analyze(&row.text, &ctx);
        let score = signals.frustration.score;
        scores.push(f64::from(score));
        labels.push(row.dissatisfied);
        if score > 0.0 {
            if row.dissatisfied {
                nonzero.0 += 1;
            } else {
                nonzero.1 += 1;
            }
        }
        let mut seen: Vec<String> = signals
            .frustration
            .evidence
            .iter()
            .filter(|e| e.weight > 0.0)
            .map(|e| match e.source {
                Source::Message => e.cue.to_string(),
                _ => format!("{} (context)", e.cue),
            })
            .collect();
        seen.sort();
        seen.dedup();
        for cue in seen {
            let entry = cues.entry(cue.clone()).or_insert_with(|| CueCount {
                cue,
                ..CueCount::default()
            });
            if row.dissatisfied {
                entry.positives += 1;
            } else {
                entry.negatives += 1;
            }
        }
    }
    let elapsed = started.elapsed();
    let summary: RankingSummary = ranking::summarize(&scores, &labels)
        .with_context(|| format!("cannot rank the turns of {}", args.data.display()))?;
    let mut top_cues: Vec<CueCount> = cues.into_values().collect();
    top_cues.sort_by(|a, b| b.positives.cmp(&a.positives).then(a.negatives.cmp(&b.negatives)));
    top_cues.truncate(12);
    let report = EvalReport {
        data: args.data.display().to_string(),
        score: "frustration",
        context: "previous bot turn (the context column); rows scored independently",
        examples: summary.examples,
        positives: summary.positives,
        base_rate: usize_to_f64(summary.positives) / usize_to_f64(summary.examples),
        roc_auc: summary.roc_auc,
        average_precision: summary.average_precision,
        best_f1: summary.best_f1.f1,
        best_f1_threshold: summary.best_f1.threshold,
        best_f1_precision: summary.best_f1.precision,
        best_f1_recall: summary.best_f1.recall,
        scored_above_zero_positives: nonzero.0,
        scored_above_zero_negatives: nonzero.1,
        microseconds_per_example: elapsed.as_secs_f64() * 1e6 / usize_to_f64(rows.len().max(1)),
        top_cues,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_table(&report);
    }
    Ok(())
}

fn print_table(r: &EvalReport) {
    println!("frustration score on {}", r.data);
    println!("  context             {}", r.context);
    println!("  examples            {}", r.examples);
    println!(
        "  positives           {} ({:.2} %)",
        r.positives,
        100.0 * r.base_rate
    );
    println!("  ROC AUC             {:.3}", r.roc_auc);
    println!("  average precision   {:.3}", r.average_precision);
    println!(
        "  best F1             {:.3} at score >= {:.3} (precision {:.3}, recall {:.3})",
        r.best_f1, r.best_f1_threshold, r.best_f1_precision, r.best_f1_recall
    );
    println!(
        "  score > 0           {} of {} positives, {} of {} negatives",
        r.scored_above_zero_positives,
        r.positives,
        r.scored_above_zero_negatives,
        r.examples - r.positives
    );
    println!(
        "  time                {:.1} µs per example",
        r.microseconds_per_example
    );
    println!("  cues                positives  negatives");
    for c in &r.top_cues {
        println!("    {:32} {:>6} {:>10}", c.cue, c.positives, c.negatives);
    }
}
