//! How messages become points to cluster: TF-IDF word features, the built-in static sentence
//! encoder, any other [`DenseEncoder`], or Tandem's blend of the encoder and TF-IDF.
//!
//! A point is a dense part (the sentence vector, scaled) and a sparse part (TF-IDF over word
//! unigrams and bigrams learnt from the messages themselves, scaled); both parts are unit-length
//! before scaling, so the weights say how much each counts in a distance.

use crate::dense::{builtin_static, DenseEncoder};
use crate::intent::features::{FeatureConfig, Scratch, SparseVec, Vectorizer};
use crate::text;

/// Weight of the sentence vector in Tandem's blend (the TF-IDF part weighs `1 - this`, as
/// squared lengths: the point stays unit-length). Measured on a sample of Banking77's *train*
/// split against the sentence vector alone and TF-IDF alone (`docs/topics.md`); the figures
/// there are on its test split.
pub const TANDEM_DENSE_SHARE: f32 = 0.7;

/// Squared distances below this are rounding noise (points are about unit length).
const SAME_POINT: f32 = 1e-5;

/// Below this many messages a word n-gram needs to occur only once to be a TF-IDF feature
/// (with few messages, `min_df = 2` would leave most of them without any feature).
const SMALL_SET: usize = 100;

/// Which representation to cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// TF-IDF over word unigrams and bigrams (sublinear tf, smooth idf, `min_df` 2), the classic
    /// baseline.
    TfIdf,
    /// The built-in static sentence encoder alone (distilled from all-MiniLM-L6-v2).
    Static,
    /// The static sentence encoder blended with TF-IDF (see [`TANDEM_DENSE_SHARE`]).
    Tandem,
}

impl Representation {
    pub fn name(self) -> &'static str {
        match self {
            Representation::TfIdf => "tfidf+kmeans",
            Representation::Static => "static-embedding+kmeans",
            Representation::Tandem => "tandem",
        }
    }
}

/// The points of a clustering: `n` rows, each a dense part of `dim` values and a sparse part over
/// `sparse_dim` features.
#[derive(Debug, Clone, Default)]
pub(crate) struct Points {
    pub dim: usize,
    pub sparse_dim: usize,
    pub dense: Vec<f32>,
    pub sparse: Vec<SparseVec>,
    /// Squared length of every point.
    pub norms: Vec<f32>,
}

impl Points {
    pub fn len(&self) -> usize {
        self.norms.len()
    }

    /// Length of a centroid: the dense part, then one value per sparse feature.
    pub fn width(&self) -> usize {
        self.dim + self.sparse_dim
    }

    fn dense_row(&self, i: usize) -> &[f32] {
        self.dense.get(i * self.dim..(i + 1) * self.dim).unwrap_or(&[])
    }

    /// The dot product of point `i` with a centroid.
    pub fn dot(&self, i: usize, centroid: &[f32]) -> f32 {
        let (head, tail) = centroid.split_at(self.dim.min(centroid.len()));
        let mut s = dense_dot(self.dense_row(i), head);
        if let Some(sv) = self.sparse.get(i) {
            for (&j, &v) in sv.indices.iter().zip(&sv.values) {
                s += v * tail.get(crate::num::u32_to_usize(j)).copied().unwrap_or(0.0);
            }
        }
        s
    }

    /// Squared distance of point `i` to a centroid whose squared length is `centroid_norm`.
    /// Below [`SAME_POINT`] it is 0: the expansion `|x|² + |c|² - 2x·c` leaves rounding noise
    /// where a point and a centre coincide (duplicate messages), which must not count as a
    /// distance.
    pub fn distance2(&self, i: usize, centroid: &[f32], centroid_norm: f32) -> f32 {
        let own = self.norms.get(i).copied().unwrap_or(0.0);
        let d = own + centroid_norm - 2.0 * self.dot(i, centroid);
        if d < SAME_POINT {
            0.0
        } else {
            d
        }
    }

    /// Squared distance between points `i` and `j`.
    pub fn pair_distance2(&self, i: usize, j: usize) -> f32 {
        let mut dot = dense_dot(self.dense_row(i), self.dense_row(j));
        if let (Some(a), Some(b)) = (self.sparse.get(i), self.sparse.get(j)) {
            let (mut x, mut y) = (0, 0);
            while let (Some(&ia), Some(&ib)) = (a.indices.get(x), b.indices.get(y)) {
                match ia.cmp(&ib) {
                    std::cmp::Ordering::Less => x += 1,
                    std::cmp::Ordering::Greater => y += 1,
                    std::cmp::Ordering::Equal => {
                        dot +=
                            a.values.get(x).copied().unwrap_or(0.0) * b.values.get(y).copied().unwrap_or(0.0);
                        x += 1;
                        y += 1;
                    }
                }
            }
        }
        let own = self.norms.get(i).copied().unwrap_or(0.0) + self.norms.get(j).copied().unwrap_or(0.0);
        let d = own - 2.0 * dot;
        if d < SAME_POINT {
            0.0
        } else {
            d
        }
    }

    /// Adds point `i` to `acc` (a centroid-shaped sum).
    pub fn add_to(&self, i: usize, acc: &mut [f32]) {
        let (head, tail) = acc.split_at_mut(self.dim.min(acc.len()));
        for (a, x) in head.iter_mut().zip(self.dense_row(i)) {
            *a += x;
        }
        if let Some(sv) = self.sparse.get(i) {
            for (&j, &v) in sv.indices.iter().zip(&sv.values) {
                if let Some(a) = tail.get_mut(crate::num::u32_to_usize(j)) {
                    *a += v;
                }
            }
        }
    }

    /// Point `i` as a centroid-shaped vector.
    pub fn row(&self, i: usize) -> Vec<f32> {
        let mut out = vec![0.0; self.width()];
        self.add_to(i, &mut out);
        out
    }

    /// Points `rows` only (for searching k on a sample).
    pub fn subset(&self, rows: &[usize]) -> Points {
        Points {
            dim: self.dim,
            sparse_dim: self.sparse_dim,
            dense: rows
                .iter()
                .flat_map(|&i| self.dense_row(i).iter().copied())
                .collect(),
            sparse: rows
                .iter()
                .map(|&i| self.sparse.get(i).cloned().unwrap_or_default())
                .collect(),
            norms: rows
                .iter()
                .map(|&i| self.norms.get(i).copied().unwrap_or(0.0))
                .collect(),
        }
    }
}

/// The dot product of two dense vectors in eight independent lanes (the compiler turns them into
/// SIMD instructions; a plain iterator sum must keep the sequential order and cannot).
fn dense_dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((l, p), q) in lanes.iter_mut().zip(x).zip(y) {
            *l += p * q;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// TF-IDF vectors of the word unigrams and bigrams of `texts`, learnt from `texts`.
fn tfidf(texts: &[&str], rules: text::Rules) -> (usize, Vec<SparseVec>) {
    let config = FeatureConfig {
        word_ngrams: (1, 2),
        char_ngrams: (0, 0),
        min_df: if texts.len() < SMALL_SET { 1 } else { 2 },
        sublinear_tf: true,
        word_weight: 1.0,
        char_weight: 0.0,
        skip_window: 0,
        ..FeatureConfig::default()
    };
    let vectorizer = Vectorizer::fit_with(&config, texts, rules, false);
    let mut scratch = Scratch::default();
    let rows = texts
        .iter()
        .map(|t| {
            let mut out = SparseVec::default();
            vectorizer.transform_into(t, &mut scratch, &mut out);
            out
        })
        .collect();
    (vectorizer.len(), rows)
}

/// Dense vectors of `texts` from `encoder`, flattened; `None` when it fails on any text.
fn encode(encoder: &dyn DenseEncoder, texts: &[&str]) -> Option<(usize, Vec<f32>)> {
    let rows = encoder.encode_batch(texts).ok()?;
    let dim = encoder.dim();
    if rows.iter().any(|r| r.len() != dim) {
        return None;
    }
    Some((dim, rows.into_iter().flatten().collect()))
}

/// Builds the points: `dense` (dimension, flat rows) scaled by `dense_weight` and `sparse`
/// scaled by `sparse_weight`.
fn assemble(
    dense: Option<(usize, Vec<f32>)>,
    dense_weight: f32,
    sparse: Option<(usize, Vec<SparseVec>)>,
    sparse_weight: f32,
    n: usize,
) -> Points {
    let (dim, mut dense) = dense.unwrap_or((0, Vec::new()));
    dense.iter_mut().for_each(|x| *x *= dense_weight);
    let (sparse_dim, mut sparse) = sparse.unwrap_or((0, Vec::new()));
    for sv in &mut sparse {
        sv.values.iter_mut().for_each(|x| *x *= sparse_weight);
    }
    sparse.resize(n, SparseVec::default());
    let mut points = Points {
        dim,
        sparse_dim,
        dense,
        sparse,
        norms: Vec::new(),
    };
    points.norms = (0..n)
        .map(|i| {
            let d: f32 = points.dense_row(i).iter().map(|x| x * x).sum();
            let s: f32 = points
                .sparse
                .get(i)
                .map_or(0.0, |sv| sv.values.iter().map(|x| x * x).sum());
            d + s
        })
        .collect();
    points
}

/// The points of `texts` in `representation`. When the built-in encoder cannot be loaded (it is
/// compiled in, so only a corrupt build could do that), the sentence part is left out.
pub(crate) fn points(texts: &[&str], representation: Representation) -> Points {
    let n = texts.len();
    let static_vectors = || builtin_static().ok().and_then(|e| encode(e.as_ref(), texts));
    match representation {
        Representation::TfIdf => assemble(None, 0.0, Some(tfidf(texts, text::Rules::Plain)), 1.0, n),
        Representation::Static => assemble(static_vectors(), 1.0, None, 0.0, n),
        Representation::Tandem => {
            let dense = static_vectors();
            let share = if dense.is_some() { TANDEM_DENSE_SHARE } else { 0.0 };
            assemble(
                dense,
                share.sqrt(),
                Some(tfidf(texts, text::Rules::Canonical)),
                (1.0 - share).sqrt(),
                n,
            )
        }
    }
}

/// The points of `texts` embedded by any encoder (for measuring other encoders); `None` when the
/// encoder fails.
pub(crate) fn encoder_points(encoder: &dyn DenseEncoder, texts: &[&str]) -> Option<Points> {
    let dense = encode(encoder, texts)?;
    Some(assemble(Some(dense), 1.0, None, 0.0, texts.len()))
}
