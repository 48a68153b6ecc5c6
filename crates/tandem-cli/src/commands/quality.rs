//! `tandem quality score`, `tandem quality eval` and `tandem quality train`. Thin: reading stdin or
//! a CSV, reading and writing a model file, printing; the scorer, the learned layer and the metrics
//! live in `tandem_nlu::quality`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};
use tandem_nlu::num::usize_to_f64;
use tandem_nlu::quality::eval::{self, EvalReport};
use tandem_nlu::quality::{self, Scores};

use super::dataset::read_examples;

#[derive(Debug, Subcommand)]
pub enum QualityCommand {
    /// Score agent replies read as JSON Lines on stdin (`{"context": "...", "reply": "..."}`), one
    /// `{"skills": {...}}` line out per line in.
    Score(QualityScoreArgs),
    /// Measure the scorer on ESConv's strategy split (`DIR/strategy_<split>.csv`, `text,label`).
    Eval(QualityEvalArgs),
    /// Train the optional learned layer on labelled replies you may use
    /// (`DIR/strategy_train.csv` and `DIR/strategy_valid.csv`, `text,label`).
    Train(QualityTrainArgs),
}

#[derive(Debug, Args)]
pub struct QualityScoreArgs {
    /// A learned layer written by `tandem quality train`.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct QualityTrainArgs {
    /// Directory holding `strategy_train.csv` and `strategy_valid.csv`.
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model file.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct QualityEvalArgs {
    /// Directory holding `strategy_<split>.csv`.
    #[arg(long)]
    pub data: PathBuf,
    /// Which split to read.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// A learned layer written by `tandem quality train`.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: QualityCommand) -> anyhow::Result<()> {
    match cmd {
        QualityCommand::Score(args) => score(&args),
        QualityCommand::Eval(args) => eval(&args),
        QualityCommand::Train(args) => train(&args),
    }
}

/// `DIR/strategy_<split>.csv`, or an error naming it when it is missing.
fn split_file(data: &Path, split: &str) -> anyhow::Result<PathBuf> {
    let path = data.join(format!("strategy_{split}.csv"));
    if !path.is_file() {
        bail!(
            "{} does not exist: expected ESConv's strategy file there (columns text,label)",
            path.display()
        );
    }
    Ok(path)
}

fn train(args: &QualityTrainArgs) -> anyhow::Result<()> {
    let read = |split: &str| -> anyhow::Result<Vec<quality::Labelled>> {
        let rows = read_examples(&split_file(&args.data, split)?)?;
        Ok(eval::labelled(
            rows.iter().map(|e| (e.text.as_str(), e.label.as_str())),
        ))
    };
    let train_rows = read("train")?;
    let valid_rows = read("valid")?;
    let started = Instant::now();
    let model = quality::learned::train(&train_rows, &valid_rows);
    let seconds = started.elapsed().as_secs_f64();
    let bytes = model.to_bytes();
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write the quality model to {}", args.out.display()))?;
    println!(
        "trained on {} replies ({} for validation) in {seconds:.1} s; wrote {} ({} bytes)",
        train_rows.len(),
        valid_rows.len(),
        args.out.display(),
        bytes.len()
    );
    println!(
        "{:<14}{:>10}{:>9}{:>9}{:>11}{:>8}{:>7}{:>7}{:>8}{:>8}",
        "skill", "positives", "level 1", "level 2", "precision", "recall", "F1", "AUC", "L2", "epochs"
    );
    for s in model.skills() {
        let on = if s.chosen_on_valid {
            ""
        } else {
            "  (figures on train: valid lacks a class)"
        };
        println!(
            "{:<14}{:>10}{:>9.3}{:>9.3}{:>11.3}{:>8.3}{:>7.3}{:>7.3}{:>8.0e}{:>8}{on}",
            s.skill.as_str(),
            s.positives,
            s.level1,
            s.level2,
            s.precision,
            s.recall,
            s.f1,
            s.roc_auc,
            s.l2,
            s.epochs
        );
    }
    if model.skills().is_empty() {
        println!("no skill is present in the training replies: the model changes nothing");
    }
    Ok(())
}

/// One input line.
#[derive(Debug, Deserialize)]
struct Input {
    #[serde(default)]
    context: String,
    reply: String,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    skills: &'a Scores,
}

fn score(args: &QualityScoreArgs) -> anyhow::Result<()> {
    let model = crate::open::load_quality_model(args.model.as_deref())?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, line) in stdin.lock().lines().enumerate() {
        let number = i + 1;
        let line = line.with_context(|| format!("reading line {number} of stdin"))?;
        if line.trim().is_empty() {
            continue;
        }
        let input: Input = serde_json::from_str(&line)
            .map_err(|e| anyhow::anyhow!("line {number} is not a JSON object with a \"reply\": {e}"))?;
        let scores = quality::score_with(model.as_ref(), &input.context, &input.reply);
        serde_json::to_writer(&mut out, &Output { skills: &scores })?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(())
}

#[derive(Debug, Serialize)]
struct Report {
    data: String,
    split: String,
    /// The learned layer's file, when one was used.
    model: Option<String>,
    #[serde(flatten)]
    report: EvalReport,
    microseconds_per_reply: f64,
}

fn eval(args: &QualityEvalArgs) -> anyhow::Result<()> {
    if args.split.is_empty() || !args.split.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        bail!(
            "--split must be a name such as train, valid or test, found `{}`",
            args.split
        );
    }
    let path = split_file(&args.data, &args.split)?;
    let model = crate::open::load_quality_model(args.model.as_deref())?;
    let rows = read_examples(&path)?;
    let started = Instant::now();
    let report = eval::evaluate_with(
        model.as_ref(),
        rows.iter().map(|e| (e.text.as_str(), e.label.as_str())),
    );
    let elapsed = started.elapsed();
    let report = Report {
        data: path.display().to_string(),
        split: args.split.clone(),
        model: args.model.as_ref().map(|p| p.display().to_string()),
        microseconds_per_reply: elapsed.as_secs_f64() * 1e6 / usize_to_f64(rows.len().max(1)),
        report,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_table(&report);
    }
    Ok(())
}

fn print_table(r: &Report) {
    let with = r
        .model
        .as_ref()
        .map_or_else(String::new, |m| format!(" with the learned layer {m}"));
    println!(
        "soft-skill scorer{with} on {} ({} replies, no context; a skill is shown at level >= 1)",
        r.data, r.report.examples
    );
    println!(
        "{:<14}{:>8}{:>10}{:>11}{:>8}{:>7}{:>7}",
        "skill", "support", "predicted", "precision", "recall", "F1", "AUC"
    );
    for s in &r.report.skills {
        let auc = s.roc_auc.map_or_else(|| "-".to_owned(), |a| format!("{a:.3}"));
        println!(
            "{:<14}{:>8}{:>10}{:>11.3}{:>8.3}{:>7.3}{:>7}",
            s.skill.as_str(),
            s.support,
            s.predicted,
            s.precision,
            s.recall,
            s.f1,
            auc
        );
    }
    println!("time: {:.1} µs per reply", r.microseconds_per_reply);
}
