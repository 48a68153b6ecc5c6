//! `tandem causes eval` (root-cause suggestions measured on labelled customer messages) and
//! `tandem causes suggest` (the suggestion for messages read on stdin). Thin: reading the CSV and
//! printing; the lexicon, the learned layer and the metrics live in `tandem_nlu::causes`.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use tandem_nlu::causes::eval::{evaluate, CausesEval, LayerReport, Row};
use tandem_nlu::causes::CauseClassifier;

#[derive(Debug, Subcommand)]
pub enum CausesCommand {
    /// Measure the suggestions on a CSV with `text` and `cause` columns (and optionally `split`
    /// = dev/test: the test rows are measured and the learned layer learns from the dev rows;
    /// without it, every row is measured and the learned layer learns leave-one-out).
    Eval(CausesEvalArgs),
    /// Suggest the root cause of one case: its customer messages on stdin, one per line.
    Suggest,
}

#[derive(Debug, Args)]
pub struct CausesEvalArgs {
    /// CSV file with the columns `text` and `cause` (and optionally `split`).
    #[arg(long)]
    pub data: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: CausesCommand) -> anyhow::Result<()> {
    match cmd {
        CausesCommand::Eval(args) => eval(&args),
        CausesCommand::Suggest => suggest(),
    }
}

/// (text, cause, split) of every row; the split is `None` when the file has no `split` column.
fn read_rows(path: &Path) -> anyhow::Result<Vec<(String, String, Option<String>)>> {
    let split = super::dataset::has_column(path, "split")?;
    let names: &[&str] = if split {
        &["text", "cause", "split"]
    } else {
        &["text", "cause"]
    };
    let rows: Vec<(String, String, Option<String>)> = super::dataset::read_columns(path, names)?
        .into_iter()
        .map(|row| {
            let mut values = row.into_iter();
            let text = values.next().unwrap_or_default();
            let cause = values.next().unwrap_or_default().trim().to_owned();
            (text, cause, values.next().map(|s| s.trim().to_owned()))
        })
        .collect();
    if rows.is_empty() {
        bail!("{}: no rows after the header line", path.display());
    }
    Ok(rows)
}

fn eval(args: &CausesEvalArgs) -> anyhow::Result<()> {
    let rows = read_rows(&args.data)?;
    let eval_rows: Vec<Row<'_>> = rows
        .iter()
        .map(|(text, cause, split)| Row {
            text,
            cause,
            split: split.as_deref(),
        })
        .collect();
    if eval_rows.iter().any(|r| r.split.is_some()) && !eval_rows.iter().any(|r| r.split == Some("test")) {
        bail!(
            "{}: the `split` column has no `test` row to measure",
            args.data.display()
        );
    }
    let report = evaluate(&eval_rows);
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_eval(&args.data, &report);
    }
    Ok(())
}

fn print_layer(l: &LayerReport) {
    println!(
        "{}: accuracy {:.3}  macro-F1 {:.3}  coverage {:.3}  ({} messages)",
        l.layer, l.accuracy, l.macro_f1, l.coverage, l.messages
    );
    println!(
        "  {:<18}{:>8}{:>11}{:>8}{:>7}",
        "cause", "support", "precision", "recall", "F1"
    );
    for c in &l.per_cause {
        println!(
            "  {:<18}{:>8}{:>11.3}{:>8.3}{:>7.3}",
            c.cause, c.support, c.precision, c.recall, c.f1
        );
    }
}

fn print_eval(data: &Path, r: &CausesEval) {
    println!(
        "{}: measured on {} rows; the learned layer learnt from {} (no suggestion counts as `other`)",
        data.display(),
        r.measured_on,
        r.learned_from
    );
    if r.unknown_causes > 0 {
        println!("{} rows with an unknown cause were left out", r.unknown_causes);
    }
    print_layer(&r.lexicon);
    print_layer(&r.learned);
}

fn suggest() -> anyhow::Result<()> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read stdin")?;
    let messages: Vec<&str> = input.lines().filter(|l| !l.trim().is_empty()).collect();
    let suggestion = CauseClassifier::lexicon_only().suggest(&messages);
    println!("{}", serde_json::to_string(&suggestion)?);
    Ok(())
}
