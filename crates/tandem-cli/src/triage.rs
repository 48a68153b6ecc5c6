//! `tandem train` and `tandem eval`: the intent classifier from the command line. The work is in
//! `tandem_nlu::intent`; this file reads CSV files, shows progress and prints reports.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tandem_nlu::dense::DenseEncoder;
use tandem_nlu::intent::{self, EvalReport, Example, IntentModel, TrainOptions};

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
    /// Seed of every random choice in training (same data and seed give the same model file).
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    pub seed: u64,
}

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
    /// Print exactly one JSON object on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Reads `text,label` examples; errors name the file and the line.
fn read_examples(path: &Path) -> anyhow::Result<Vec<Example>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?;
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let (Some(text_col), Some(label_col)) = (column("text"), column("label")) else {
        bail!(
            "{}: line 1: the header must name the columns `text` and `label`",
            path.display()
        );
    };
    let mut examples = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map_or_else(|| "?".to_string(), |p| p.line().to_string());
            anyhow::anyhow!("{}: line {line}: {e}", path.display())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let (Some(text), Some(label)) = (record.get(text_col), record.get(label_col)) else {
            bail!(
                "{}: line {line}: missing the text or the label column",
                path.display()
            );
        };
        let label = label.trim();
        if label.is_empty() {
            bail!("{}: line {line}: the label is empty", path.display());
        }
        examples.push(Example::new(text, label));
    }
    if examples.is_empty() {
        bail!("{}: no examples after the header line", path.display());
    }
    Ok(examples)
}

/// Loads the dense encoder of the semantic tier: a directory holds a sentence-transformers model,
/// a file a distilled static encoder.
#[cfg(feature = "semantic")]
fn load_encoder(path: &Path) -> anyhow::Result<Arc<dyn DenseEncoder>> {
    use tandem_nlu::semantic::{SentenceEncoder, StaticEncoder};
    if path.is_file() {
        Ok(Arc::new(StaticEncoder::load(path)?))
    } else {
        Ok(Arc::new(SentenceEncoder::load(path)?))
    }
}

#[cfg(not(feature = "semantic"))]
fn load_encoder(path: &Path) -> anyhow::Result<Arc<dyn DenseEncoder>> {
    bail!(
        "cannot use the sentence-embedding model {}: this tandem was built without the semantic tier; \
         rebuild it with `cargo build --release -p tandem-cli --features semantic`",
        path.display()
    )
}

pub fn train(args: TrainArgs) -> anyhow::Result<()> {
    let examples = read_examples(&args.data)?;
    let encoder = args.semantic_model.as_deref().map(load_encoder).transpose()?;
    let options = TrainOptions {
        oos_label: args.oos_label.clone(),
        dense_model_dir: args
            .semantic_model
            .as_ref()
            .map(|p| absolute(p).display().to_string()),
        seed: args.seed,
        ..TrainOptions::default()
    };
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
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
    match s.holdout_accuracy {
        Some(acc) => println!(
            "held-out accuracy {:.2}% (C = {}, temperature {:.3}, out-of-scope threshold {:.3} from {})",
            acc * 100.0,
            s.c,
            s.temperature,
            s.oos_threshold,
            s.oos_source
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
    println!("wrote {} ({:.1} MB)", args.out.display(), size as f64 / 1e6);
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

pub fn eval(args: EvalArgs) -> anyhow::Result<()> {
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
    let text = if args.json {
        serde_json::to_string(&report)? + "\n"
    } else {
        render_table(&report)
    };
    write_stdout(&text)
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
