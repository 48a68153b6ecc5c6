//! What the commands that read CSV share: labelled examples (`tandem train`, `tandem eval`), the
//! values of named columns (`tandem topics`, `tandem causes`), and the progress bar (the semantic tier's encoder is loaded by `crate::open::load_encoder`).

use std::path::Path;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use tandem_nlu::intent::Example;

/// Reads `text,label` examples; errors name the file and the line.
pub fn read_examples(path: &Path) -> anyhow::Result<Vec<Example>> {
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

/// Whether the CSV file's header names the column.
pub fn has_column(path: &Path, name: &str) -> anyhow::Result<bool> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?;
    Ok(headers
        .iter()
        .any(|h| h.trim().trim_start_matches('\u{feff}') == name))
}

/// The values of the named columns of every row of a CSV file (other columns are ignored); a
/// missing column is an error naming it, and errors name the file and the line.
pub fn read_columns(path: &Path, names: &[&str]) -> anyhow::Result<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?
        .clone();
    let mut columns = Vec::with_capacity(names.len());
    for name in names {
        let Some(i) = headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == *name)
        else {
            bail!("{}: line 1: the header has no `{name}` column", path.display());
        };
        columns.push(i);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map_or_else(|| "?".to_owned(), |p| p.line().to_string());
            anyhow::anyhow!("{}: line {line}: {e}", path.display())
        })?;
        rows.push(
            columns
                .iter()
                .map(|&i| record.get(i).unwrap_or_default().to_owned())
                .collect(),
        );
    }
    Ok(rows)
}

/// A progress bar on stderr (length set as work is reported), ticking while it waits.
pub fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
