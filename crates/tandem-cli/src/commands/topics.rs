//! `tandem topics` (cluster a CSV's messages into labelled topics) and `tandem topics eval`
//! (measure the clustering on labelled messages). Thin: reading the CSV and printing; the
//! clustering and its metrics live in `tandem_nlu::topics`.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, Subcommand};
use serde::Serialize;
use tandem_nlu::topics::eval::{evaluate, TopicsEval};
use tandem_nlu::topics::{cluster, TopicOptions};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TopicsArgs {
    #[command(subcommand)]
    pub command: Option<TopicsCommand>,
    /// CSV file whose `text` column holds one message per row (other columns are ignored).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Number of topics (default: chosen automatically).
    #[arg(long)]
    pub k: Option<usize>,
    /// Seed of the clustering (the same data and seed give the same topics).
    #[arg(long, default_value_t = TopicOptions::default().seed)]
    pub seed: u64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TopicsCommand {
    /// Measure the clustering on labelled messages (TF-IDF + k-means, static embedding +
    /// k-means and Tandem's method; accuracy, NMI and ARI).
    Eval(TopicsEvalArgs),
}

#[derive(Debug, Args)]
pub struct TopicsEvalArgs {
    /// CSV file with a `text` column and a label column.
    #[arg(long)]
    pub data: PathBuf,
    /// The column holding each message's reference label.
    #[arg(long, default_value = "label")]
    pub label_column: String,
    /// Number of clusters (default: the number of labels).
    #[arg(long)]
    pub k: Option<usize>,
    /// Each method's figures are the mean over this many seeds.
    #[arg(long, default_value_t = 5)]
    pub seeds: usize,
    /// A sentence-embedding model directory: also measures its embeddings + k-means (needs a
    /// tandem built with the `semantic` feature).
    #[arg(long, env = "TANDEM_SEMANTIC_MODEL")]
    pub semantic_model: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: TopicsArgs) -> anyhow::Result<()> {
    match args.command {
        Some(TopicsCommand::Eval(eval_args)) => eval(&eval_args),
        None => topics(&args),
    }
}

#[derive(Debug, Serialize)]
struct ClusterOut<'a> {
    id: usize,
    label: &'a str,
    size: usize,
    /// Up to three of its messages, the most typical first.
    examples: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
struct TopicsOut<'a> {
    assignments: &'a [usize],
    clusters: Vec<ClusterOut<'a>>,
}

fn topics(args: &TopicsArgs) -> anyhow::Result<()> {
    let Some(path) = args.data.as_deref() else {
        bail!("tandem topics needs --data FILE.csv (a CSV with a `text` column)");
    };
    let rows = super::dataset::read_columns(path, &["text"])?;
    let texts: Vec<&str> = rows
        .iter()
        .map(|r| r.first().map_or("", String::as_str))
        .collect();
    if let Some(k) = args.k {
        if k == 0 || k > texts.len() {
            bail!(
                "--k must be between 1 and the number of rows ({}), found {k}",
                texts.len()
            );
        }
    }
    let clustering = cluster(
        &texts,
        &TopicOptions {
            k: args.k,
            seed: args.seed,
        },
    );
    let out = TopicsOut {
        assignments: &clustering.assignments,
        clusters: clustering
            .clusters
            .iter()
            .map(|c| ClusterOut {
                id: c.id,
                label: &c.label,
                size: c.size,
                examples: c
                    .members
                    .iter()
                    .take(3)
                    .filter_map(|&m| texts.get(m).copied())
                    .collect(),
            })
            .collect(),
    };
    if args.json {
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    println!("{} messages in {} topics", texts.len(), out.clusters.len());
    println!("{:>4} {:>6}  {:<28} example", "id", "size", "label");
    for c in &out.clusters {
        println!(
            "{:>4} {:>6}  {:<28} {}",
            c.id,
            c.size,
            c.label,
            c.examples.first().copied().unwrap_or("")
        );
    }
    Ok(())
}

fn eval(args: &TopicsEvalArgs) -> anyhow::Result<()> {
    let rows = super::dataset::read_columns(&args.data, &["text", args.label_column.as_str()])?;
    if rows.is_empty() {
        bail!("{}: no rows after the header line", args.data.display());
    }
    let texts: Vec<&str> = rows
        .iter()
        .map(|r| r.first().map_or("", String::as_str))
        .collect();
    let labels: Vec<&str> = rows.iter().map(|r| r.get(1).map_or("", |l| l.trim())).collect();
    if args.k.is_some_and(|k| k == 0 || k > texts.len()) {
        bail!("--k must be between 1 and the number of rows ({})", texts.len());
    }
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let encoder = match args.semantic_model.as_deref() {
        Some(dir) if cfg!(feature = "semantic") => Some(crate::open::load_encoder(dir)?),
        Some(dir) => {
            eprintln!(
                "notice: {} is not measured: this tandem was built without the `semantic` feature",
                dir.display()
            );
            None
        }
        None => None,
    };
    let extra: Vec<(&str, &dyn tandem_nlu::dense::DenseEncoder)> = encoder
        .as_deref()
        .map(|e| ("sentence-embedding", e))
        .into_iter()
        .collect();
    let report = evaluate(&texts, &labels, args.k, args.seeds, &extra);
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_eval(&args.data, &report);
    }
    Ok(())
}

fn print_eval(data: &Path, r: &TopicsEval) {
    println!(
        "{}: {} messages, {} labels; mean of {} seeds",
        data.display(),
        r.messages,
        r.labels,
        r.seeds
    );
    println!(
        "{:<26}{:>5}{:>8}{:>8}{:>8}{:>10}",
        "method", "k", "ACC", "NMI", "ARI", "seconds"
    );
    for m in &r.methods {
        println!(
            "{:<26}{:>5}{:>8.3}{:>8.3}{:>8.3}{:>10.1}",
            m.method, m.k, m.scores.accuracy, m.scores.nmi, m.scores.ari, m.seconds
        );
    }
    println!(
        "{:<26}{:>5}{:>8.3}{:>8.3}{:>8.3}",
        "tandem at automatic k", r.auto_k, r.auto.accuracy, r.auto.nmi, r.auto.ari
    );
}
