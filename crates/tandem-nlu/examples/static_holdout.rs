//! Chooses the fast tier's static-table settings without looking at any test set: splits a
//! training CSV (`text,label`) into stratified folds, trains on all but one fold (n-grams alone,
//! and n-grams joined by each given static table) and reports the accuracy on the fold left out.
//!
//! ```text
//! cargo run --release -p tandem-nlu --example static_holdout -- TRAIN.csv [TABLE ...] \
//!     [--folds K] [--runs R] [--options JSON] [--static FILE] [--semantic DIR [--cache FILE]]
//! ```
//! `--static FILE` replaces the built-in table by FILE (with max pooling) in the `builtin` run.
//! `--semantic DIR` (feature `semantic`) joins the sentence encoder in DIR to the n-grams-alone
//! and `builtin` runs; its embeddings of the training texts are computed once and kept in
//! `--cache FILE` when given (the cache belongs to one TRAIN.csv: it is only checked by size).
//! `--options` merges a JSON object into the default training options, e.g.
//! `'{"static_weight_grid":[2.0],"features":{"skip_window":3}}'`.
//! Always reports n-grams alone and n-grams with the built-in table (the default training).
//! `TABLE` is a static table file, `max:FILE` with max pooling, `FILE@DIMS[@WORDS]` reduced. `--runs R` evaluates the
//! first R of K folds (default 2 of 5).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use tandem_nlu::dense::{DenseEncoder, StaticEncoder};
use tandem_nlu::intent::{train_with_static, Example, TrainOptions};

type Res<T> = Result<T, Box<dyn Error>>;

/// `n` as `f64`, for ratios (exact; counts beyond `u32::MAX` saturate, far beyond the data here).
fn to_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

#[path = "common/labelled_csv.rs"]
mod labelled_csv;
use labelled_csv::read_csv;

/// Merges `patch` into `base`: objects key by key, anything else replaced.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

/// A dense encoder answering from precomputed embeddings (falling back to the real encoder).
#[cfg(feature = "semantic")]
struct Cached {
    inner: Arc<dyn DenseEncoder>,
    map: std::collections::HashMap<String, Vec<f32>>,
}

#[cfg(feature = "semantic")]
impl DenseEncoder for Cached {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn encode(&self, text: &str) -> Result<Vec<f32>, tandem_nlu::dense::DenseError> {
        match self.map.get(text) {
            Some(v) => Ok(v.clone()),
            None => self.inner.encode(text),
        }
    }
}

#[cfg(feature = "semantic")]
#[path = "common/embedding_cache.rs"]
mod embedding_cache;

#[cfg(feature = "semantic")]
fn semantic(dir: &str, cache: Option<String>, texts: &[&str]) -> Res<Arc<dyn DenseEncoder>> {
    let inner: Arc<dyn DenseEncoder> = Arc::new(tandem_nlu::semantic::SentenceEncoder::load(Path::new(dir))?);
    let dim = inner.dim();
    let rows = embedding_cache::cached_embeddings(cache.as_deref().map(Path::new), texts.len(), dim, || {
        let t0 = Instant::now();
        let rows = inner.encode_batch(texts)?;
        eprintln!(
            "encoded {} texts in {:.0}s",
            texts.len(),
            t0.elapsed().as_secs_f64()
        );
        Ok(rows)
    })?;
    let map = texts.iter().zip(rows).map(|(t, v)| (t.to_string(), v)).collect();
    Ok(Arc::new(Cached { inner, map }))
}

#[cfg(not(feature = "semantic"))]
fn semantic(_: &str, _: Option<String>, _: &[&str]) -> Res<Arc<dyn DenseEncoder>> {
    Err("--semantic needs the semantic feature".into())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(data) = args.first() else {
        return Err("usage: static_holdout TRAIN.csv [TABLE ...] [--folds K] [--runs R]".into());
    };
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let folds: usize = opt("--folds").map_or(Ok(5), |v| v.parse())?;
    let runs: usize = opt("--runs").map_or(Ok(2), |v| v.parse())?;
    let mut tables: Vec<Option<String>> = if args.iter().any(|a| a == "--no-baselines") {
        Vec::new()
    } else {
        vec![None, Some("builtin".into())]
    };
    let mut skip = false;
    for a in args.iter().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with("--") {
            skip = a != "--no-baselines";
            continue;
        }
        tables.push(Some(a.clone()));
    }
    let examples = read_csv(Path::new(data))?;
    // Stratified folds: each label's examples shuffled and dealt round-robin.
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        by_label.entry(e.label.as_str()).or_default().push(i);
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20_240_601);
    let mut fold_of = vec![0usize; examples.len()];
    for rows in by_label.values_mut() {
        rows.shuffle(&mut rng);
        for (j, &i) in rows.iter().enumerate() {
            if let Some(f) = fold_of.get_mut(i) {
                *f = j % folds;
            }
        }
    }
    let mut base = serde_json::to_value(TrainOptions::default())?;
    if let Some(patch) = opt("--options") {
        merge(&mut base, serde_json::from_str(&patch)?);
    }
    let base: TrainOptions = serde_json::from_value(base)?;
    let static_table: Option<Arc<StaticEncoder>> = match opt("--static") {
        Some(f) => Some(Arc::new(StaticEncoder::load(Path::new(&f))?.with_max_pool())),
        None => tandem_nlu::dense::builtin_static().ok(),
    };
    let sentence = match opt("--semantic") {
        Some(dir) => {
            let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
            Some(semantic(&dir, opt("--cache"), &texts)?)
        }
        None => None,
    };
    for table in &tables {
        let options = TrainOptions {
            static_features: table.as_deref() == Some("builtin"),
            ..base.clone()
        };
        let encoder: Option<Arc<dyn DenseEncoder>> = match table.as_deref() {
            None | Some("builtin") => sentence.clone(),
            Some(spec) => {
                // PATH[@DIMS[@WORDS]]
                let mut parts = spec.split('@');
                let path = parts.next().unwrap_or_default();
                let (path, white) = match path.strip_prefix("white") {
                    Some(p) => match p.split_once(':') {
                        Some((a, rest)) => (rest, Some(a.parse::<f32>()?)),
                        None => (path, None),
                    },
                    None => (path, None),
                };
                let (path, max) = match path.strip_prefix("max:") {
                    Some(p) => (p, true),
                    None => (path, false),
                };
                let mut enc = StaticEncoder::load(Path::new(path))?;
                let dims = parts.next().map(str::parse::<usize>).transpose()?;
                let words = parts.next().map(str::parse::<usize>).transpose()?;
                if dims.is_some() || words.is_some() {
                    enc = enc.reduced(dims.unwrap_or(enc.dim()), words)?;
                }
                if let Some(alpha) = white {
                    enc = enc.whitened(alpha)?;
                }
                if max {
                    enc = enc.with_max_pool();
                }
                Some(Arc::new(enc))
            }
        };
        let mut accs = Vec::new();
        let mut recalls = Vec::new();
        let mut info = String::new();
        for fold in 0..runs.min(folds) {
            let tr: Vec<Example> = examples
                .iter()
                .zip(&fold_of)
                .filter(|(_, &f)| f != fold)
                .map(|(e, _)| e.clone())
                .collect();
            let te: Vec<&Example> = examples
                .iter()
                .zip(&fold_of)
                .filter(|(_, &f)| f == fold)
                .map(|(e, _)| e)
                .collect();
            let t0 = Instant::now();
            let table = if options.static_features {
                static_table.clone()
            } else {
                None
            };
            let model = train_with_static(&tr, &options, table, encoder.clone(), &mut |_| {})?;
            let secs = t0.elapsed().as_secs_f64();
            let mut correct = 0u32;
            let mut per_label: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            let t1 = Instant::now();
            for e in &te {
                let p = model.predict(&e.text)?;
                let hit = p.best_in_scope(None) == Some(e.label.as_str());
                let entry = per_label.entry(e.label.as_str()).or_default();
                entry.1 += 1;
                if hit {
                    correct += 1;
                    entry.0 += 1;
                }
            }
            let macro_recall = per_label
                .values()
                .map(|&(h, n)| to_f64(h) / to_f64(n))
                .sum::<f64>()
                / to_f64(per_label.len().max(1));
            recalls.push(macro_recall);
            let us = t1.elapsed().as_secs_f64() * 1e6 / to_f64(te.len());
            let accuracy = f64::from(correct) / to_f64(te.len());
            accs.push(accuracy);
            let s = model.summary();
            info.push_str(&format!(
                " [fold {fold}: {:.2}% C={} w={:?} static w={:?} nearest w={} train {secs:.1}s {us:.1}µs/msg]",
                accuracy * 100.0,
                s.c,
                model.dense_spec().map(|d| d.weight),
                model.static_spec().map(|d| d.weight),
                model.neighbour_weight()
            ));
        }
        let mean = accs.iter().sum::<f64>() / to_f64(accs.len().max(1));
        let mean_recall = recalls.iter().sum::<f64>() / to_f64(recalls.len().max(1));
        println!(
            "{}: mean {:.2}% (macro recall {:.2}%){info}",
            table.as_deref().unwrap_or("ngrams"),
            mean * 100.0,
            mean_recall * 100.0
        );
    }
    Ok(())
}
