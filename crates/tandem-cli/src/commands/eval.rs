//! `tandem eval`: an intent model measured on a labelled CSV. The metrics are computed by
//! `tandem_nlu::intent::evaluate`; this file loads the model and prints the report.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use tandem_nlu::intent::{self, perturb, EvalReport, IntentModel, RobustnessReport};

use super::dataset::read_examples;
use crate::open::load_encoder;

/// Evaluate an intent model on a labelled CSV.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The model file written by `tandem train`.
    #[arg(long)]
    pub model: PathBuf,
    /// CSV file with the header `text,label`.
    #[arg(long)]
    pub data: PathBuf,
    /// Examples with this label are out of scope; also reports in-scope accuracy and
    /// out-of-scope recall.
    #[arg(long)]
    pub oos_label: Option<String>,
    /// Also measure the accuracy on perturbed copies of the data (misspellings, chat spellings,
    /// spacing, case, emoji, punctuation; each kind alone and mixed as people type), beside the
    /// clean figure.
    #[arg(long)]
    pub perturbed: bool,
    /// Seed of the perturbations (same data and seed give the same perturbed copies).
    #[arg(long, default_value_t = perturb::DEFAULT_SEED)]
    pub perturb_seed: u64,
    /// Print exactly one JSON object on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    let mut model = IntentModel::load(&args.model)
        .with_context(|| format!("cannot load the model {}", args.model.display()))?;
    if let Some(spec) = model.dense_spec().cloned() {
        let Some(dir) = spec.model_dir.as_deref() else {
            bail!(
                "the model needs the dense encoder `{}` but does not record where it was loaded from",
                spec.encoder_id
            );
        };
        let encoder = load_encoder(Path::new(dir))?;
        model.attach_encoder(encoder)?;
    }
    let examples = read_examples(&args.data)?;
    let report = intent::evaluate(&model, &examples, args.oos_label.as_deref())?;
    let robustness = if args.perturbed {
        Some(intent::evaluate_robustness(
            &model,
            &examples,
            args.oos_label.as_deref(),
            args.perturb_seed,
        )?)
    } else {
        None
    };
    let text = if args.json {
        let mut value = serde_json::to_value(&report)?;
        if let (Some(r), Some(object)) = (&robustness, value.as_object_mut()) {
            object.insert("robustness".to_string(), serde_json::to_value(r)?);
        }
        serde_json::to_string(&value)? + "\n"
    } else {
        let mut table = render_table(&report);
        if let Some(r) = &robustness {
            table.push_str(&render_robustness(r));
        }
        table
    };
    write_stdout(&text)
}

fn render_robustness(r: &RobustnessReport) -> String {
    use std::fmt::Write as _;
    let points = |x: f64| (x - r.clean_accuracy) * 100.0;
    let mut o = String::new();
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "robustness (seed {}): clean accuracy {}, perturbed {} ({:+.2} points)",
        r.seed,
        pct(r.clean_accuracy),
        pct(r.perturbed_accuracy),
        points(r.perturbed_accuracy)
    );
    let _ = writeln!(o, "  perturbation  accuracy   change  messages changed");
    for k in &r.per_kind {
        let _ = writeln!(
            o,
            "  {:12}  {}  {:+6.2}  {}",
            k.kind.name(),
            pct(k.accuracy),
            points(k.accuracy),
            pct(k.changed)
        );
    }
    o
}

/// Writes to stdout; a closed pipe (`tandem eval | head`) is not an error.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn pct(x: f64) -> String {
    format!("{:6.2}%", x * 100.0)
}

fn render_table(r: &EvalReport) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "examples            {}", r.examples);
    let _ = writeln!(o, "accuracy            {}", pct(r.accuracy));
    let _ = writeln!(o, "macro-F1            {}", pct(r.macro_f1));
    if let Some(label) = &r.oos_label {
        let show = |v: Option<f64>| v.map_or_else(|| "   n/a".to_string(), pct);
        let _ = writeln!(
            o,
            "in-scope accuracy   {}   (out-of-scope label `{label}`)",
            show(r.in_scope_accuracy)
        );
        let _ = writeln!(o, "out-of-scope recall {}", show(r.oos_recall));
        let _ = writeln!(o, "in-scope rejected   {}", show(r.in_scope_rejected));
    }
    let l = &r.latency_us;
    let _ =
        writeln!(o,
        "latency (µs)        p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}  (one message at a time, one thread)",
        l.p50, l.p90, l.p99, l.max
    );
    let _ = writeln!(o, "throughput          {:.0} messages/s", r.throughput_per_sec);
    if !r.unknown_labels.is_empty() {
        let _ = writeln!(
            o,
            "labels the model does not know: {}",
            r.unknown_labels.join(", ")
        );
    }
    let width = r
        .per_intent
        .iter()
        .map(|s| s.intent.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(o);
    let _ = writeln!(o, "{:width$}  precision  recall      F1  support", "intent");
    for s in &r.per_intent {
        let _ = writeln!(
            o,
            "{:width$}  {}  {}  {}  {:7}",
            s.intent,
            pct(s.precision),
            pct(s.recall),
            pct(s.f1),
            s.support
        );
    }
    if !r.confused_pairs.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "most confused (truth -> predicted: count)");
        for c in &r.confused_pairs {
            let _ = writeln!(o, "  {} -> {}: {}", c.truth, c.predicted, c.count);
        }
    }
    o
}
