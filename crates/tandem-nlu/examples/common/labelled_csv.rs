//! The labelled examples of a `text,label` CSV file (Banking77's layout), for the examples.

use std::error::Error;
use std::path::Path;

use tandem_nlu::intent::Example;

/// Every row's text and label; rows without both are skipped.
pub fn read_csv(path: &Path) -> Result<Vec<Example>, Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut out = Vec::new();
    for r in reader.records() {
        let r = r?;
        if let (Some(t), Some(l)) = (r.get(0), r.get(1)) {
            out.push(Example::new(t, l));
        }
    }
    Ok(out)
}
