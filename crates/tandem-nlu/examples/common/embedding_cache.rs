//! Sentence embeddings kept between runs of an example: one file of little-endian f32 rows.

use std::error::Error;
use std::path::Path;

/// The `n` embeddings of `dim` values stored in `cache` when it holds exactly that many (the file
/// is checked by size only: it belongs to one list of texts), else those `compute` returns,
/// written to `cache` for the next run.
pub fn cached_embeddings(
    cache: Option<&Path>,
    n: usize,
    dim: usize,
    compute: impl FnOnce() -> Result<Vec<Vec<f32>>, Box<dyn Error>>,
) -> Result<Vec<Vec<f32>>, Box<dyn Error>> {
    if let Some(bytes) = cache.and_then(|c| std::fs::read(c).ok()) {
        if dim > 0 && bytes.len() == n * dim * 4 {
            let flat: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|c| <[u8; 4]>::try_from(c).map_or(0.0, f32::from_le_bytes))
                .collect();
            return Ok(flat.chunks_exact(dim).map(<[f32]>::to_vec).collect());
        }
    }
    let rows = compute()?;
    if let Some(c) = cache {
        let bytes: Vec<u8> = rows.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(c, bytes)?;
    }
    Ok(rows)
}
