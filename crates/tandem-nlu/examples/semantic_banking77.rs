//! Validates the semantic tier's encoders on Banking77: test accuracy of a plain multinomial
//! logistic regression (standardised features, mini-batch Adam) on (a) the sentence encoder's
//! embeddings and (b) distilled static embeddings, with per-message latency and table size.
//!
//! ```text
//! export CARGO_TARGET_DIR=/work/target-sem
//! cargo run --release -p tandem-nlu --features semantic --example semantic_banking77 -- \
//!     "$TANDEM_SEMANTIC_MODEL" ../shared/data/banking77 [--cache DIR] [--variants LIST] \
//!     [--save-static PATH] [--dump DIR]
//! ```
//! DATA_DIR holds `train.csv` and `test.csv` (header `text,label`). `--cache DIR` keeps the
//! sentence embeddings between runs (encoding the 13k texts takes minutes on two cores);
//! `--dump DIR` writes each static variant's embeddings (little-endian f32 rows) for other tools.
//! LIST is comma-separated; each variant joins settings with `+`: `default`, `corpus` (train
//! texts as corpus: whole-word rows), `tune` (corpus + fitting to the teacher's embeddings of
//! it), `nosif`, `sifA`, `dN` (PCA dimension), `full` (no reduction), `inner` (token-only
//! pooling), `pieces` (corpus pieces only), `lamL` (tuning pull), `minN` (word count);
//! `skip-sentence` skips the sentence encoder's own figures. Default: `default,tune`.
//! LR settings can be changed with LR_RATE, LR_L2 and LR_EPOCHS.

#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use tandem_nlu::dense::DenseEncoder;
use tandem_nlu::semantic::{distil, DistilConfig, SentenceEncoder, StaticEncoder, TokenPooling};

type Res<T> = Result<T, Box<dyn Error>>;

/// `n` as `f32`, for averages: exact below 2^24 (the data sets here are far smaller).
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "a count as a float for an average: exact below 2^24"
)]
fn to_f32(n: usize) -> f32 {
    n as f32
}

/// `n` as `f64`, for ratios (exact; counts beyond `u32::MAX` saturate, far beyond the data here).
fn to_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A float as a count, rounded towards zero (negative values and NaN give 0).
#[allow(
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a float as a count: `as` truncates and saturates, which is what is wanted"
)]
fn to_count(x: f64) -> usize {
    x as usize
}

fn read_csv(path: &Path) -> Res<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)?;
    let mut rows = Vec::new();
    let mut field = String::new();
    let mut record: Vec<String> = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        rows.push(record);
    }
    Ok(rows
        .into_iter()
        .skip(1)
        .filter_map(|r| match <[String; 2]>::try_from(r) {
            Ok([text, label]) => Some((text, label)),
            Err(_) => None,
        })
        .collect())
}

/// Multinomial logistic regression (softmax, L2) trained with mini-batch Adam on standardised
/// features. Returns test accuracy.
fn logistic_regression(
    train: &[Vec<f32>],
    ytrain: &[usize],
    test: &[Vec<f32>],
    ytest: &[usize],
    classes: usize,
) -> f64 {
    let d = train.first().map_or(0, Vec::len);
    let n = to_f32(train.len());
    let mut mean = vec![0f32; d];
    let mut sd = vec![0f32; d];
    for x in train {
        for (m, v) in mean.iter_mut().zip(x) {
            *m += v / n;
        }
    }
    for x in train {
        for ((s, v), m) in sd.iter_mut().zip(x).zip(&mean) {
            *s += (v - m) * (v - m) / n;
        }
    }
    let sd: Vec<f32> = sd.iter().map(|s| s.sqrt().max(1e-6)).collect();
    let z = |x: &[f32]| -> Vec<f32> {
        x.iter()
            .zip(&mean)
            .zip(&sd)
            .map(|((v, m), s)| (v - m) / s)
            .collect()
    };
    let xtr: Vec<Vec<f32>> = train.iter().map(|x| z(x)).collect();
    let xte: Vec<Vec<f32>> = test.iter().map(|x| z(x)).collect();

    let cols = d + 1;
    let mut w = vec![0f32; classes * cols];
    let (mut m1, mut m2) = (vec![0f32; w.len()], vec![0f32; w.len()]);
    let env = |k: &str, d: f32| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (lr, b1, b2, l2) = (env("LR_RATE", 0.001), 0.9f32, 0.999f32, env("LR_L2", 1e-4));
    let epochs = to_count(f64::from(env("LR_EPOCHS", 80.0)));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut idx: Vec<usize> = (0..xtr.len()).collect();
    let mut step = 0i32;
    let logits = |w: &[f32], x: &[f32]| -> Vec<f32> {
        // One row of `cols` values per class: `d` weights, then the bias.
        w.chunks_exact(cols)
            .take(classes)
            .map(|row| {
                let (weights, bias) = row.split_at(d);
                bias.first().copied().unwrap_or(0.0) + weights.iter().zip(x).map(|(a, b)| a * b).sum::<f32>()
            })
            .collect()
    };
    for _epoch in 0..epochs {
        idx.shuffle(&mut rng);
        for batch in idx.chunks(128) {
            let mut grad = vec![0f32; w.len()];
            for &i in batch {
                let (Some(x), Some(&yi)) = (xtr.get(i), ytrain.get(i)) else {
                    continue;
                };
                let mut p = logits(&w, x);
                let max = p.iter().cloned().fold(f32::MIN, f32::max);
                let mut sum = 0.0;
                for v in &mut p {
                    *v = (*v - max).exp();
                    sum += *v;
                }
                for ((c, pc), row) in p.iter().enumerate().zip(grad.chunks_exact_mut(cols)) {
                    let g = pc / sum - if c == yi { 1.0 } else { 0.0 };
                    let (weights, bias) = row.split_at_mut(d);
                    for (r, xv) in weights.iter_mut().zip(x) {
                        *r += g * xv;
                    }
                    if let Some(b) = bias.first_mut() {
                        *b += g;
                    }
                }
            }
            step += 1;
            let bs = to_f32(batch.len());
            let params = w.iter_mut().zip(m1.iter_mut()).zip(m2.iter_mut()).zip(&grad);
            for (k, (((wk, m1k), m2k), &gk)) in params.enumerate() {
                let g = gk / bs + if k % cols != d { l2 * *wk } else { 0.0 };
                *m1k = b1 * *m1k + (1.0 - b1) * g;
                *m2k = b2 * *m2k + (1.0 - b2) * g * g;
                let mh = *m1k / (1.0 - b1.powi(step));
                let vh = *m2k / (1.0 - b2.powi(step));
                *wk -= lr * mh / (vh.sqrt() + 1e-8);
            }
        }
    }
    let correct = xte
        .iter()
        .zip(ytest)
        .filter(|(x, &y)| {
            let p = logits(&w, x);
            p.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(c, _)| c)
                == Some(y)
        })
        .count();
    to_f64(correct) / to_f64(xte.len())
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = to_count((to_f64(v.len().saturating_sub(1)) * p).round());
    v.get(at).copied().unwrap_or(0.0)
}

/// Per-message latency (µs) of `encode`, one message at a time, over `texts`.
fn latency(enc: &dyn DenseEncoder, texts: &[&str]) -> Res<(f64, f64)> {
    for t in texts.iter().take(20) {
        enc.encode(t)?;
    }
    let mut times = Vec::with_capacity(texts.len());
    for t in texts {
        let t0 = Instant::now();
        std::hint::black_box(enc.encode(t)?);
        times.push(t0.elapsed().as_secs_f64() * 1e6);
    }
    Ok((percentile(times.clone(), 0.5), percentile(times, 0.9)))
}

fn save_vecs(path: &Path, vecs: &[Vec<f32>]) -> Res<()> {
    let bytes: Vec<u8> = vecs.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes)?;
    Ok(())
}

fn load_vecs(path: &Path, dim: usize) -> Option<Vec<Vec<f32>>> {
    let bytes = std::fs::read(path).ok()?;
    let floats: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| <[u8; 4]>::try_from(b).map_or(0.0, f32::from_le_bytes))
        .collect();
    Some(floats.chunks_exact(dim).map(|c| c.to_vec()).collect())
}

fn variant(name: &str, corpus: &[String], embeddings: &[Vec<f32>]) -> Res<DistilConfig> {
    let mut cfg = DistilConfig::default();
    for part in name.split('+') {
        match part {
            "default" => {}
            "corpus" => cfg.corpus = corpus.to_vec(),
            "inner" => cfg.pooling = TokenPooling::Inner,
            "nosif" => cfg.sif = None,
            "full" => cfg.dims = None,
            "pieces" => cfg.corpus_pieces_only = true,
            "tune" => {
                cfg.corpus = corpus.to_vec();
                cfg.tune = true;
                cfg.corpus_embeddings = Some(embeddings.to_vec());
            }
            p if p.starts_with("lam") => cfg.tune_regularisation = p[3..].parse()?,
            p if p.starts_with("min") => cfg.min_word_count = p[3..].parse()?,
            p if p.starts_with("sif") => cfg.sif = Some(p[3..].parse()?),
            p if p.starts_with('d') => cfg.dims = Some(p[1..].parse()?),
            p => return Err(format!("unknown variant part {p}").into()),
        }
    }
    Ok(cfg)
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err(
            "usage: semantic_banking77 MODEL_DIR DATA_DIR [--cache DIR] [--variants LIST] \
                    [--save-static PATH] [--dump DIR]"
                .into(),
        );
    }
    let (Some(model), Some(data)) = (args.first(), args.get(1)) else {
        return Err("usage: semantic_banking77 MODEL_DIR DATA_DIR ...".into());
    };
    let model = PathBuf::from(model);
    let data = PathBuf::from(data);
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let cache = opt("--cache").map(PathBuf::from);
    let variants = opt("--variants").unwrap_or_else(|| "default,tune".into());

    let train = read_csv(&data.join("train.csv"))?;
    let test = read_csv(&data.join("test.csv"))?;
    let mut labels: HashMap<String, usize> = HashMap::new();
    for (_, l) in train.iter().chain(&test) {
        let n = labels.len();
        labels.entry(l.clone()).or_insert(n);
    }
    let label_of = |l: &String| labels.get(l).copied().unwrap_or(0);
    let ytr: Vec<usize> = train.iter().map(|(_, l)| label_of(l)).collect();
    let yte: Vec<usize> = test.iter().map(|(_, l)| label_of(l)).collect();
    let ttr: Vec<&str> = train.iter().map(|(t, _)| t.as_str()).collect();
    let tte: Vec<&str> = test.iter().map(|(t, _)| t.as_str()).collect();
    println!(
        "banking77: {} train, {} test, {} labels",
        ttr.len(),
        tte.len(),
        labels.len()
    );

    let t0 = Instant::now();
    let enc = SentenceEncoder::load(&model)?;
    println!("loaded {} in {:.2}s", enc.id(), t0.elapsed().as_secs_f64());

    let cached = cache.as_ref().and_then(|c| {
        Some((
            load_vecs(&c.join("train.f32"), enc.dim())?,
            load_vecs(&c.join("test.f32"), enc.dim())?,
        ))
    });
    let (etr, ete) = match cached {
        Some(v) if v.0.len() == ttr.len() && v.1.len() == tte.len() => v,
        _ => {
            let t0 = Instant::now();
            let etr = enc.encode_batch(&ttr)?;
            let ete = enc.encode_batch(&tte)?;
            let s = t0.elapsed().as_secs_f64();
            println!(
                "sentence encoder, batched: {:.1}s for {} texts ({:.2} ms/text)",
                s,
                ttr.len() + tte.len(),
                s * 1e3 / to_f64(ttr.len() + tte.len())
            );
            if let Some(c) = &cache {
                std::fs::create_dir_all(c)?;
                save_vecs(&c.join("train.f32"), &etr)?;
                save_vecs(&c.join("test.f32"), &ete)?;
            }
            (etr, ete)
        }
    };
    if !variants.contains("skip-sentence") {
        let (p50, p90) = latency(&enc, tte.get(..300.min(tte.len())).unwrap_or_default())?;
        let acc = logistic_regression(&etr, &ytr, &ete, &yte, labels.len());
        println!(
            "sentence encoder: LR accuracy {:.2}%, latency p50 {:.0} µs p90 {:.0} µs, dim {}",
            acc * 100.0,
            p50,
            p90,
            enc.dim()
        );
    }

    let corpus: Vec<String> = ttr.iter().map(|s| s.to_string()).collect();
    for name in variants.split(',').filter(|v| *v != "skip-sentence") {
        let cfg = variant(name, &corpus, &etr)?;
        let t0 = Instant::now();
        let st = distil(&enc, &cfg)?;
        let distil_s = t0.elapsed().as_secs_f64();
        let bytes = st.to_bytes().len();
        if let Some(path) = opt("--save-static") {
            st.save(Path::new(&path))?;
            let back = StaticEncoder::load(Path::new(&path))?;
            assert_eq!(back.id(), st.id());
        }
        let t0 = Instant::now();
        let str_ = st.encode_batch(&ttr)?;
        let ste = st.encode_batch(&tte)?;
        let enc_s = t0.elapsed().as_secs_f64();
        if let Some(dir) = opt("--dump") {
            let dir = Path::new(&dir).join(name);
            std::fs::create_dir_all(&dir)?;
            save_vecs(&dir.join("train.f32"), &str_)?;
            save_vecs(&dir.join("test.f32"), &ste)?;
        }
        let (p50, p90) = latency(&st, &tte)?;
        let acc = logistic_regression(&str_, &ytr, &ste, &yte, labels.len());
        println!(
            "static[{name}]: LR accuracy {:.2}%, latency p50 {:.1} µs p90 {:.1} µs, {:.2} µs/text in bulk, \
             dim {}, {:.1} MB, distilled in {:.0}s; {}",
            acc * 100.0,
            p50,
            p90,
            enc_s * 1e6 / to_f64(ttr.len() + tte.len()),
            st.dim(),
            to_f64(bytes) / 1e6,
            distil_s,
            st.notes()
        );
    }
    Ok(())
}
