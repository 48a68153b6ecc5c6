//! `tandem redact`: text read on stdin, written with personal data replaced by type tags. The
//! detectors live in `tandem_nlu::pii`.

use std::io::Write;

use clap::Args;
use tandem_nlu::pii;

use super::stdin::read_stdin;

/// Read text on stdin and write it with personal data replaced by type tags.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Print `{"text": ..., "findings": [{kind, start, end, text}]}` (byte offsets into the input).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: RedactArgs) -> anyhow::Result<()> {
    let input = read_stdin()?;
    let redaction = pii::redact(&input)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &redaction)?;
        writeln!(out)?;
    } else {
        out.write_all(redaction.text.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}
