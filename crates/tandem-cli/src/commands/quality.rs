//! `tandem quality score` and `tandem quality eval`. Thin: reading stdin or a CSV and printing; the
//! scorer and its metrics live in `tandem_nlu::quality`.

use std::io::{BufRead, Write};
use std::path::PathBuf;
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
    Score,
    /// Measure the scorer on ESConv's strategy split (`DIR/strategy_<split>.csv`, `text,label`).
    Eval(QualityEvalArgs),
}

#[derive(Debug, Args)]
pub struct QualityEvalArgs {
    /// Directory holding `strategy_<split>.csv`.
    #[arg(long)]
    pub data: PathBuf,
    /// Which split to read.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: QualityCommand) -> anyhow::Result<()> {
    match cmd {
        QualityCommand::Score => score(),
        QualityCommand::Eval(args) => eval(&args),
    }
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

fn score() -> anyhow::Result<()> {
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
        let scores = quality::score(&input.context, &input.reply);
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
    let path = args.data.join(format!("strategy_{}.csv", args.split));
    if !path.is_file() {
        bail!(
            "{} does not exist: expected ESConv's strategy file there (columns text,label)",
            path.display()
        );
    }
    let rows = read_examples(&path)?;
    let started = Instant::now();
    let report = eval::evaluate(rows.iter().map(|e| (e.text.as_str(), e.label.as_str())));
    let elapsed = started.elapsed();
    let report = Report {
        data: path.display().to_string(),
        split: args.split.clone(),
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
    println!(
        "soft-skill scorer on {} ({} replies, no context; a skill is shown at level >= 1)",
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
