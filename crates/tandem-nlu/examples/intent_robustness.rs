//! The fast tier on a labelled data set, clean and perturbed, as `tandem train` + `tandem eval
//! --perturbed` do, in a binary that builds without the server crates (quick release builds for
//! measuring speed):
//!
//! ```text
//! cargo run --release -p tandem-nlu --example intent_robustness -- TRAIN.csv TEST.csv \
//!     [--model FILE] [--save FILE] [--options JSON]
//! ```
//! `--model FILE` evaluates a model file instead of training one (e.g. one written by an older
//! tandem, to compare); `--save FILE` writes the trained model; `--options` merges a JSON object
//! into the default training options, e.g. `'{"spelling":false}'`.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::path::Path;
use std::time::Instant;

use tandem_nlu::intent::perturb::DEFAULT_SEED;
use tandem_nlu::intent::{evaluate, evaluate_robustness, train, IntentModel, TrainOptions};

type Res<T> = Result<T, Box<dyn Error>>;

#[path = "common/labelled_csv.rs"]
mod labelled_csv;
use labelled_csv::read_csv;

fn options(json: Option<&str>) -> Res<TrainOptions> {
    let mut value = serde_json::to_value(TrainOptions::default())?;
    if let (Some(text), Some(base)) = (json, value.as_object_mut()) {
        let extra: serde_json::Value = serde_json::from_str(text)?;
        if let Some(extra) = extra.as_object() {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(serde_json::from_value(value)?)
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
    };
    let (Some(train_path), Some(test_path)) = (args.first(), args.get(1)) else {
        return Err(
            "usage: intent_robustness TRAIN.csv TEST.csv [--model FILE] [--save FILE] [--options JSON]"
                .into(),
        );
    };
    let test = read_csv(Path::new(test_path))?;
    let model = match flag("--model") {
        Some(file) => IntentModel::load(Path::new(file))?,
        None => {
            let examples = read_csv(Path::new(train_path))?;
            let started = Instant::now();
            let model = train(&examples, &options(flag("--options"))?, None, &mut |_| {})?;
            println!("trained in {:.1} s", started.elapsed().as_secs_f64());
            if let Some(file) = flag("--save") {
                model.save(Path::new(file))?;
            }
            model
        }
    };
    let r = evaluate(&model, &test, None)?;
    println!(
        "accuracy {:.2}%  macro-F1 {:.2}%  p50 {:.1} µs  p90 {:.1} µs  p99 {:.1} µs  {:.0} messages/s",
        r.accuracy * 100.0,
        r.macro_f1 * 100.0,
        r.latency_us.p50,
        r.latency_us.p90,
        r.latency_us.p99,
        r.throughput_per_sec
    );
    let rob = evaluate_robustness(&model, &test, None, DEFAULT_SEED)?;
    for k in &rob.per_kind {
        println!(
            "  {:12} {:6.2}%  {:+.2} points",
            k.kind.name(),
            k.accuracy * 100.0,
            (k.accuracy - rob.clean_accuracy) * 100.0
        );
    }
    Ok(())
}
