//! Distils a sentence-embedding model into the static table the fast tier embeds
//! (`assets/minilm-l6-static.tst`): every WordPiece piece of the model's vocabulary, plus the
//! multi-piece words of a generic English word list (SCOWL, Debian package `scowl`), goes through
//! the transformer once, and the table may then be fitted to the transformer on a generic corpus
//! (WordNet's glosses); see `tandem_nlu::semantic::distil`. No intent data set is read.
//!
//! ```text
//! cargo run --release -p tandem-nlu --features semantic --example distil_static -- \
//!     MODEL_DIR OUT_FILE [--dims N] [--sif A|none] [--inner] [--level L] [--max-words N] [--wordlists DIR]
//!     [--wordnet DIR | --corpus FILE] [--corpus-limit N] [--tune] [--lambda L] [--embeddings FILE]
//!     [--corpus-only]
//! ```
//! `--wordnet DIR` reads WordNet's glosses as a corpus of sentences (`--corpus FILE`: one per
//! line), `--corpus-limit N` keeps every (count / N)-th sentence up to N of them, and `--tune`
//! fits the table to the teacher's embeddings of them (pull towards the distilled vectors
//! `--lambda`, default 0.05); `--embeddings FILE` keeps those embeddings between runs (checked
//! by size only: the file belongs to one corpus), `--corpus-only` prints the corpus's
//! size and fingerprint and stops. With `--max-words 0` the corpus adds no whole-word rows and
//! only tunes the pieces' vectors. `--tune` cannot be combined with `--level`.
//! `scripts/distil-static-encoder.sh` runs it with the settings of the committed asset.
//! By default no word list is used (the vocabulary's pieces only): whole-word rows from SCOWL
//! level 35 measured no better (Banking77 train split, held-out fold, joined to the n-grams:
//! 90.5% with 25k words against 91.1% without) and double the table.
//! `--level L` takes the SCOWL lists `{english,american,british}-words.{10,20,...,L}` (lower
//! levels hold more common words); a word of a lower level is counted more often, so
//! `--max-words` keeps the most common ones. Same model, word lists and settings give the same
//! bytes.

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tandem_nlu::dense::DenseEncoder;
use tandem_nlu::semantic::{distil, DistilConfig, SentenceEncoder, TokenPooling};

#[path = "common/embedding_cache.rs"]
mod embedding_cache;

type Res<T> = Result<T, Box<dyn Error>>;

const LEVELS: [u32; 6] = [10, 20, 35, 40, 50, 55];

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err(
            "usage: distil_static MODEL_DIR OUT_FILE [--dims N] [--level L] [--max-words N] [--wordlists DIR]"
                .into(),
        );
    }
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let (Some(model), Some(out)) = (args.first(), args.get(1)) else {
        return Err("usage: distil_static MODEL_DIR OUT_FILE ...".into());
    };
    let model = PathBuf::from(model);
    let out = PathBuf::from(out);
    let dims: usize = opt("--dims").map_or(Ok(256), |v| v.parse())?;
    let level: u32 = opt("--level").map_or(Ok(0), |v| v.parse())?;
    let max_words: usize = opt("--max-words").map_or(Ok(20_000), |v| v.parse())?;
    let lists = PathBuf::from(opt("--wordlists").unwrap_or_else(|| "/usr/share/dict/scowl".into()));

    // word -> how many levels (from its own up to `level`) list it: common words count more.
    let levels: Vec<u32> = LEVELS.iter().copied().filter(|&l| l <= level).collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, l) in levels.iter().enumerate() {
        let weight = levels.len() - i;
        for variety in ["english", "american", "british"] {
            let path = lists.join(format!("{variety}-words.{l}"));
            for w in read_lines(&path)? {
                let e = counts.entry(w).or_insert(0);
                *e = (*e).max(weight);
            }
        }
    }
    let mut corpus = Vec::new();
    for (w, &c) in &counts {
        for _ in 0..c {
            corpus.push(w.clone());
        }
    }
    println!(
        "{} words of SCOWL levels {:?} ({} corpus entries)",
        counts.len(),
        levels,
        corpus.len()
    );

    // A generic corpus of sentences (one per line) to fit the table to the teacher on.
    let mut texts: Vec<String> = Vec::new();
    let source = match (opt("--corpus"), opt("--wordnet")) {
        (Some(file), _) => Some((read_lines(Path::new(&file))?, file)),
        (None, Some(dir)) => Some((wordnet_sentences(Path::new(&dir))?, format!("WordNet in {dir}"))),
        (None, None) => None,
    };
    if let Some((lines, file)) = source {
        let limit: usize = opt("--corpus-limit").map_or(Ok(lines.len()), |v| v.parse())?;
        let step = (lines.len() / limit.max(1)).max(1);
        texts.extend(lines.into_iter().step_by(step).take(limit));
        let digest = texts.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, t| {
            t.bytes()
                .chain([b'\n'])
                .fold(h, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
        });
        println!("{} corpus sentences from {file} (fnv {digest:016x})", texts.len());
        if args.iter().any(|a| a == "--corpus-only") {
            return Ok(());
        }
    }
    let tune = !texts.is_empty() && args.iter().any(|a| a == "--tune");
    if tune && !corpus.is_empty() {
        // The teacher's embeddings below are of the sentences only, in the corpus's order.
        return Err("--tune cannot be combined with --level (word lists)".into());
    }
    let lambda: f32 = opt("--lambda").map_or(Ok(0.05), |v| v.parse())?;

    let t0 = Instant::now();
    let teacher = SentenceEncoder::load(&model)?;
    let corpus_embeddings = if tune {
        let cache = opt("--embeddings").map(PathBuf::from);
        let rows = embedding_cache::cached_embeddings(cache.as_deref(), texts.len(), teacher.dim(), || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let rows = teacher.encode_batch(&refs)?;
            println!(
                "encoded {} corpus sentences in {:.0} s",
                refs.len(),
                t0.elapsed().as_secs_f64()
            );
            Ok(rows)
        })?;
        Some(rows)
    } else {
        None
    };
    corpus.extend(texts);
    let sif: Option<f32> = match opt("--sif").as_deref() {
        None => Some(1e-3),
        Some("none") => None,
        Some(v) => Some(v.parse()?),
    };
    let pooling = if args.iter().any(|a| a == "--inner") {
        TokenPooling::Inner
    } else {
        TokenPooling::Sentence
    };
    let cfg = DistilConfig {
        dims: Some(dims),
        sif,
        pooling,
        corpus,
        min_word_count: 1,
        max_words,
        tune,
        tune_regularisation: lambda,
        corpus_embeddings,
        ..DistilConfig::default()
    };
    let table = distil(&teacher, &cfg)?;
    let (pieces, words) = table.vocab_sizes();
    table.save(&out)?;
    let size = std::fs::metadata(&out)?.len();
    println!(
        "wrote {} ({:.2} MB, {} pieces + {} words, dim {}, id {}) in {:.0} s\n{}",
        out.display(),
        f64::from(u32::try_from(size).unwrap_or(u32::MAX)) / 1e6,
        pieces,
        words,
        table.dim(),
        table.id(),
        t0.elapsed().as_secs_f64(),
        table.notes()
    );
    Ok(())
}

/// The glosses of WordNet 3.0 (Debian package `wordnet-base`, files `data.{noun,verb,adj,adv}`
/// in `dir`): each synset's example sentences, then its definition, those of three words or
/// more, without repeats, in file order. A generic English corpus of short sentences.
fn wordnet_sentences(dir: &Path) -> Res<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut keep = |s: &str, out: &mut Vec<String>| {
        if s.split_whitespace().count() >= 3 && seen.insert(s.to_owned()) {
            out.push(s.to_owned());
        }
    };
    for pos in ["noun", "verb", "adj", "adv"] {
        let path = dir.join(format!("data.{pos}"));
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // Latin-1: every byte is the character of the same number.
        let text: String = bytes.iter().map(|&b| char::from(b)).collect();
        for line in text.lines() {
            if line.starts_with("  ") {
                continue; // the licence header
            }
            let Some((_, gloss)) = line.split_once('|') else {
                continue;
            };
            let mut definition = String::new();
            let mut rest = gloss.trim();
            while let Some(open) = rest.find('"') {
                definition.push_str(&rest[..open]);
                let after = &rest[open + 1..];
                let Some(close) = after.find('"') else {
                    rest = &rest[open..];
                    break;
                };
                keep(after[..close].trim(), &mut out);
                rest = &after[close + 1..];
            }
            definition.push_str(rest);
            keep(definition.trim_matches([' ', ';']), &mut out);
        }
    }
    Ok(out)
}

/// The lines of a word list, trimmed, without empty ones.
fn read_lines(path: &Path) -> Res<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}
