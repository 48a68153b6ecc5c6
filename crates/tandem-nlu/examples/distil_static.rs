//! Distils a sentence-embedding model into the static table the fast tier embeds
//! (`assets/minilm-l6-static.tst`): every WordPiece piece of the model's vocabulary, plus the
//! multi-piece words of a generic English word list (SCOWL, Debian package `scowl`), goes through
//! the transformer once; see `tandem_nlu::semantic::distil`. No intent data set is read.
//!
//! ```text
//! cargo run --release -p tandem-nlu --features semantic --example distil_static -- \
//!     MODEL_DIR OUT_FILE [--dims N] [--sif A|none] [--inner] [--level L] [--max-words N] [--wordlists DIR]
//! ```
//! `scripts/distil-static-encoder.sh` runs it with the settings of the committed asset.
//! By default no word list is used (the vocabulary's pieces only): whole-word rows from SCOWL
//! level 35 measured no better (Banking77 train split, held-out fold, joined to the n-grams:
//! 90.5% with 25k words against 91.1% without) and double the table.
//! `--level L` takes the SCOWL lists `{english,american,british}-words.{10,20,...,L}` (lower
//! levels hold more common words); a word of a lower level is counted more often, so
//! `--max-words` keeps the most common ones. Same model, word lists and settings give the same
//! bytes.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tandem_nlu::dense::DenseEncoder;
use tandem_nlu::semantic::{distil, DistilConfig, SentenceEncoder, TokenPooling};

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
    let model = PathBuf::from(&args[0]);
    let out = PathBuf::from(&args[1]);
    let dims: usize = opt("--dims").map_or(Ok(128), |v| v.parse())?;
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

    let t0 = Instant::now();
    let teacher = SentenceEncoder::load(&model)?;
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
        ..DistilConfig::default()
    };
    let table = distil(&teacher, &cfg)?;
    let (pieces, words) = table.vocab_sizes();
    table.save(&out)?;
    let size = std::fs::metadata(&out)?.len();
    println!(
        "wrote {} ({:.2} MB, {} pieces + {} words, dim {}, id {}) in {:.0} s\n{}",
        out.display(),
        size as f64 / 1e6,
        pieces,
        words,
        table.dim(),
        table.id(),
        t0.elapsed().as_secs_f64(),
        table.notes()
    );
    Ok(())
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
