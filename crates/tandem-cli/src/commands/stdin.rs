//! Reading the text a command is given on stdin (`tandem redact`, `tandem signals analyze`).

use std::io::Read;

use anyhow::Context as _;

/// All of stdin, which must be UTF-8 text.
pub fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("reading stdin")?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "stdin is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
