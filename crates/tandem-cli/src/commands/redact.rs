//! `tandem redact`: text read on stdin, written with personal data replaced by type tags. The
//! detectors live in `tandem_nlu::pii`.

use std::io::{BufRead, Write};

use anyhow::{bail, Context};
use clap::Args;
use serde::{Deserialize, Serialize};
use tandem_nlu::pii;

use super::stdin::read_stdin;

/// Read text on stdin and write it with personal data replaced by type tags.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Print `{"text": ..., "findings": [{kind, start, end, text}]}` (byte offsets into the input).
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,
    /// Read one `{"text": ...}` object per line and write one
    /// `{"text": redacted, "findings": [{kind, start, end, text, evidence}]}` per line.
    #[arg(long)]
    pub jsonl: bool,
}

#[derive(Deserialize)]
struct Line {
    text: String,
}

#[derive(Serialize)]
struct Out<'a> {
    text: &'a str,
    findings: &'a [pii::Explained],
}

pub fn run(args: RedactArgs) -> anyhow::Result<()> {
    if args.jsonl {
        return run_jsonl(std::io::stdin().lock(), &mut std::io::stdout().lock());
    }
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

/// One result line per input line; empty lines are skipped, a bad line stops with its number.
fn run_jsonl(input: impl BufRead, out: &mut impl Write) -> anyhow::Result<()> {
    let detector = pii::detector()?;
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line.with_context(|| format!("could not read line {number} of the input"))?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = match serde_json::from_str(&line) {
            Ok(parsed) => parsed,
            Err(e) => bail!("line {number} is not a JSON object with a string \"text\": {e}"),
        };
        let findings = detector.explain(&parsed.text);
        let mut redacted = String::with_capacity(parsed.text.len());
        let mut at = 0;
        for f in &findings {
            redacted.push_str(parsed.text.get(at..f.finding.start).unwrap_or(""));
            redacted.push_str(f.finding.kind.tag());
            at = f.finding.end;
        }
        redacted.push_str(parsed.text.get(at..).unwrap_or(""));
        serde_json::to_writer(
            &mut *out,
            &Out {
                text: &redacted,
                findings: &findings,
            },
        )?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_gives_one_result_per_line_and_names_a_bad_line() {
        let input = "{\"text\": \"mail a@b.com\"}\n\n{\"text\": \"nothing\"}\n";
        let mut out = Vec::new();
        run_jsonl(input.as_bytes(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("\"text\":\"mail [EMAIL]\""), "{}", lines[0]);
        assert!(lines[0].contains("\"kind\":\"email\"") && lines[0].contains("\"start\":5"));
        assert_eq!(lines[1], "{\"text\":\"nothing\",\"findings\":[]}");
        let err = run_jsonl("{\"text\": \"ok\"}\n[1, 2]\n".as_bytes(), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
