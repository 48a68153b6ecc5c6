//! [`SentenceEncoder`]: a sentence-transformers BERT model (e.g. all-MiniLM-L6-v2) run on the CPU
//! with candle: WordPiece tokens -> BERT -> mean pooling over the attention mask -> L2 norm.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::dense::{cut, fnv1a64, l2_normalise, read_file};
use crate::dense::{DenseEncoder, DenseError};
use crate::num::{usize_to_u32, usize_to_u64};

/// Texts longer than this (in bytes) are cut, at a character boundary, before tokenising: the model
/// only reads its first `max_tokens` tokens anyway, and this bounds the tokeniser's work on
/// megabyte-sized inputs.
pub use crate::dense::MAX_INPUT_BYTES;

/// Texts are encoded in chunks of this many, sorted by length so that padding stays small.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// How the token outputs of one sequence become one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pooling {
    /// Mean over every attended position, [CLS] and [SEP] included (sentence-transformers).
    Mean,
    /// Mean over the positions between [CLS] and [SEP] only.
    Inner,
}

/// A sentence-embedding model loaded from a local directory holding `config.json`,
/// `tokenizer.json` and `model.safetensors` (and optionally `sentence_bert_config.json`, whose
/// `max_seq_length` bounds the input length). Nothing is downloaded.
pub struct SentenceEncoder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dim: usize,
    max_tokens: usize,
    pad_id: u32,
    batch_size: usize,
    id: String,
    name: String,
}

impl std::fmt::Debug for SentenceEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentenceEncoder")
            .field("id", &self.id)
            .field("dim", &self.dim)
            .field("max_tokens", &self.max_tokens)
            .finish_non_exhaustive()
    }
}

fn load_error(path: &Path, reason: impl std::fmt::Display) -> DenseError {
    DenseError::Load {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

fn encode_error(e: impl std::fmt::Display) -> DenseError {
    DenseError::Encode(e.to_string())
}

fn required(dir: &Path, name: &str) -> Result<PathBuf, DenseError> {
    let path = dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(load_error(
            dir,
            format!("missing file {name} (expected {})", path.display()),
        ))
    }
}

#[derive(serde::Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

#[derive(serde::Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
}

impl SentenceEncoder {
    /// Loads the model in `dir`. Errors name the missing or unreadable file.
    pub fn load(dir: &Path) -> Result<Self, DenseError> {
        if !dir.is_dir() {
            return Err(load_error(dir, "not a directory"));
        }
        let config_path = required(dir, "config.json")?;
        let tokenizer_path = required(dir, "tokenizer.json")?;
        let weights_path = required(dir, "model.safetensors")?;

        let config_bytes = read_file(&config_path)?;
        let config: Config = serde_json::from_slice(&config_bytes)
            .map_err(|e| load_error(&config_path, format!("not a BERT config: {e}")))?;
        if config.hidden_size == 0
            || config.num_attention_heads == 0
            || (config.hidden_size / config.num_attention_heads) * config.num_attention_heads
                != config.hidden_size
        {
            return Err(load_error(
                &config_path,
                "hidden_size must be a positive multiple of num_attention_heads",
            ));
        }

        // sentence-transformers reads max_seq_length (256 for all-MiniLM-L6-v2); without it the
        // position table bounds the length.
        let mut max_tokens = config.max_position_embeddings;
        let st_path = dir.join("sentence_bert_config.json");
        if st_path.is_file() {
            let st: SentenceBertConfig =
                serde_json::from_slice(&read_file(&st_path)?).map_err(|e| load_error(&st_path, e))?;
            if let Some(n) = st.max_seq_length {
                max_tokens = max_tokens.min(n);
            }
        }
        if max_tokens < 2 {
            return Err(load_error(&config_path, "maximum sequence length below 2"));
        }
        let pooling_path = dir.join("1_Pooling").join("config.json");
        if pooling_path.is_file() {
            let pooling: PoolingConfig = serde_json::from_slice(&read_file(&pooling_path)?)
                .map_err(|e| load_error(&pooling_path, e))?;
            if !pooling.pooling_mode_mean_tokens {
                return Err(load_error(
                    &pooling_path,
                    "only mean pooling is supported (pooling_mode_mean_tokens is false)",
                ));
            }
        }

        let tokenizer_bytes = read_file(&tokenizer_path)?;
        let mut tokenizer = Tokenizer::from_bytes(&tokenizer_bytes)
            .map_err(|e| load_error(&tokenizer_path, format!("not a tokenizer.json: {e}")))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_tokens,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| load_error(&tokenizer_path, e))?;
        let pad_id = tokenizer
            .get_padding()
            .map(|p| p.pad_id)
            .or_else(|| tokenizer.token_to_id("[PAD]"))
            .unwrap_or(usize_to_u32(config.pad_token_id));

        // Read into memory rather than mmap: the workspace forbids `unsafe`.
        let weights = read_file(&weights_path)?;
        let weights_hash = fnv1a64(&weights);
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| load_error(&weights_path, format!("not a safetensors file: {e}")))?;
        let model = BertModel::load(vb, &config)
            .map_err(|e| load_error(&weights_path, format!("weights do not fit config.json: {e}")))?;

        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bert".to_owned());
        let tok_hash = fnv1a64(&tokenizer_bytes);
        let id = format!(
            "bert-mean:{}:{:016x}",
            config.hidden_size,
            weights_hash ^ tok_hash.rotate_left(1) ^ usize_to_u64(max_tokens).rotate_left(17)
        );
        Ok(Self {
            model,
            tokenizer,
            device,
            dim: config.hidden_size,
            max_tokens,
            pad_id,
            batch_size: DEFAULT_BATCH_SIZE,
            id,
            name,
        })
    }

    /// Sets how many texts run through the model together (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// The longest token sequence the model reads, [CLS] and [SEP] included; longer inputs are
    /// truncated.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// The name of the model directory (for messages; [`DenseEncoder::id`] identifies the model).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model's tokenizer.
    pub(crate) fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Token ids of a text, [CLS] and [SEP] included, truncated to [`Self::max_tokens`].
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, DenseError> {
        let text = cut(text, MAX_INPUT_BYTES);
        let encoding = self.tokenizer.encode_fast(text, true).map_err(encode_error)?;
        let mut ids = encoding.get_ids().to_vec();
        ids.truncate(self.max_tokens);
        Ok(ids)
    }

    /// Runs the model on id sequences of any lengths (each truncated to the maximum) in one
    /// padded batch and pools each; vectors are not normalised.
    pub(crate) fn pool_ids(&self, seqs: &[Vec<u32>], pooling: Pooling) -> Result<Vec<Vec<f32>>, DenseError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let len = seqs
            .iter()
            .map(|s| s.len().min(self.max_tokens))
            .max()
            .unwrap_or(0)
            .max(1);
        let n = seqs.len();
        let mut ids = vec![self.pad_id; n * len];
        let mut mask = vec![0u32; n * len];
        let mut weights = vec![0f32; n * len];
        // One row of `len` values per sequence (`len` is at least 1 and every cut sequence fits).
        let rows = ids
            .chunks_exact_mut(len)
            .zip(mask.chunks_exact_mut(len))
            .zip(weights.chunks_exact_mut(len));
        for (seq, ((ids_row, mask_row), weights_row)) in seqs.iter().zip(rows) {
            let seq = seq.get(..seq.len().min(self.max_tokens)).unwrap_or_default();
            for (to, &from) in ids_row.iter_mut().zip(seq) {
                *to = from;
            }
            for m in mask_row.iter_mut().take(seq.len()) {
                *m = 1;
            }
            let (from, to) = match pooling {
                Pooling::Mean => (0, seq.len()),
                Pooling::Inner if seq.len() > 2 => (1, seq.len() - 1),
                Pooling::Inner => (0, seq.len()),
            };
            for w in weights_row.iter_mut().take(to).skip(from) {
                *w = 1.0;
            }
        }
        let pooled = self.forward_pool(ids, mask, weights, n, len)?;
        Ok(pooled)
    }

    fn forward_pool(
        &self,
        ids: Vec<u32>,
        mask: Vec<u32>,
        weights: Vec<f32>,
        n: usize,
        len: usize,
    ) -> Result<Vec<Vec<f32>>, DenseError> {
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = Tensor::from_vec(ids, (n, len), &self.device)?;
            let type_ids = ids.zeros_like()?;
            let mask = Tensor::from_vec(mask, (n, len), &self.device)?;
            let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?; // (n, len, dim)
            let weights = Tensor::from_vec(weights, (n, len, 1), &self.device)?;
            let summed = hidden.broadcast_mul(&weights)?.sum(1)?; // (n, dim)
            let counts = weights.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (n, 1)
            summed.broadcast_div(&counts)?.to_vec2::<f32>()
        };
        run().map_err(encode_error)
    }

    /// Encodes texts already sorted into one batch; results are L2-normalised.
    fn encode_chunk(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, DenseError> {
        let seqs = texts
            .iter()
            .map(|t| self.token_ids(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = self.pool_ids(&seqs, Pooling::Mean)?;
        for v in &mut out {
            l2_normalise(v);
        }
        Ok(out)
    }
}

impl DenseEncoder for SentenceEncoder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn encode(&self, text: &str) -> Result<Vec<f32>, DenseError> {
        self.encode_chunk(&[text])?
            .pop()
            .ok_or_else(|| DenseError::Encode("the model returned no vector".into()))
    }

    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, DenseError> {
        // Tokenise once to sort by length, so each padded batch holds similar lengths.
        let seqs = texts
            .iter()
            .map(|t| self.token_ids(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| seqs.get(i).map_or(0, Vec::len));
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(self.batch_size) {
            let batch: Vec<Vec<u32>> = chunk
                .iter()
                .map(|&i| seqs.get(i).cloned().unwrap_or_default())
                .collect();
            let pooled = self.pool_ids(&batch, Pooling::Mean)?;
            for (&i, mut v) in chunk.iter().zip(pooled) {
                l2_normalise(&mut v);
                if let Some(slot) = out.get_mut(i) {
                    *slot = v;
                }
            }
        }
        Ok(out)
    }
}
