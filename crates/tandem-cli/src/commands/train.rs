//! `tandem train`: an intent model from a CSV of labelled examples. The work is in
//! `tandem_nlu::intent`; this file reads the examples, shows progress and prints a summary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use tandem_nlu::intent::{self, TrainOptions};
use tandem_nlu::num::u64_to_f64;

use super::dataset::{progress_bar, read_examples};
use crate::open::load_encoder;

/// Train an intent model from a CSV of examples.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// CSV file with the header `text,label` (RFC 4180 quoting).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model file.
    #[arg(long)]
    pub out: PathBuf,
    /// Examples with this label are out of scope (learnt as such, and used to tune the threshold).
    #[arg(long)]
    pub oos_label: Option<String>,
    /// Sentence-embedding model (directory, or distilled static encoder file) whose features
    /// join the n-gram features. Needs a build with the `semantic` feature.
    #[arg(long)]
    pub semantic_model: Option<PathBuf>,
    /// The largest fraction of in-scope messages the out-of-scope threshold may reject, measured
    /// on held-out examples (0: never reject by threshold; 1: no bound).
    #[arg(long, default_value_t = TrainOptions::default().max_in_scope_rejection)]
    pub max_in_scope_rejection: f64,
    /// Seed of every random choice in training (same data and seed give the same model file).
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    pub seed: u64,
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let examples = read_examples(&args.data)?;
    let encoder = args.semantic_model.as_deref().map(load_encoder).transpose()?;
    let options = TrainOptions {
        oos_label: args.oos_label.clone(),
        dense_model_dir: args
            .semantic_model
            .as_ref()
            .map(|p| absolute(p).display().to_string()),
        seed: args.seed,
        max_in_scope_rejection: args.max_in_scope_rejection,
        ..TrainOptions::default()
    };
    let bar = progress_bar();
    let started = Instant::now();
    let model = intent::train(&examples, &options, encoder, &mut |p| {
        bar.set_length(p.total);
        bar.set_position(p.step);
        bar.set_message(p.message);
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    model
        .save(&args.out)
        .with_context(|| format!("cannot write the model to {}", args.out.display()))?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    let s = model.summary();
    println!(
        "trained on {} examples, {} intents, {} features in {seconds:.1} s",
        s.examples, s.intents, s.features
    );
    let bound = if s.oos_source == "none" {
        String::new()
    } else {
        format!(
            ", rejecting at most {:.1}% of held-out in-scope messages",
            options.max_in_scope_rejection.clamp(0.0, 1.0) * 100.0
        )
    };
    match s.holdout_accuracy {
        Some(acc) => println!(
            "held-out accuracy {:.2}% (C = {}, temperature {:.3}, out-of-scope threshold {:.3} from {}{bound})",
            acc * 100.0,
            s.c,
            s.temperature,
            s.oos_threshold,
            s.oos_source,
        ),
        None => println!("too few examples per intent for a held-out check"),
    }
    if let Some(st) = model.static_spec() {
        println!(
            "built-in static table {} joined with weight {}",
            st.table_id, st.weight
        );
    }
    if let Some(d) = model.dense_spec() {
        println!("dense encoder {} joined with weight {}", d.encoder_id, d.weight);
        if model.neighbour_weight() > 0.0 {
            println!(
                "each intent's nearest training example adds its similarity with weight {}",
                model.neighbour_weight()
            );
        }
    }
    println!("wrote {} ({:.1} MB)", args.out.display(), u64_to_f64(size) / 1e6);
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
