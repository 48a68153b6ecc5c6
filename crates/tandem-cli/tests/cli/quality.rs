//! `tandem quality`: scoring JSON Lines from stdin, and the evaluation's error for a missing file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `tandem ARGS` with `input` on stdin.
fn run(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .env("TANDEM_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn score_prints_one_line_per_reply() {
    let input = concat!(
        r#"{"context": "My jacket arrived torn.", "reply": "I'm so sorry, I've issued a replacement; it ships tomorrow."}"#,
        "\n\n",
        r#"{"reply": "Calm down."}"#,
        "\n"
    );
    let out = run(&["quality", "score"], input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0]["skills"]["empathy"]["level"].as_u64().unwrap() >= 1,
        "{stdout}"
    );
    assert!(
        lines[0]["skills"]["solution"]["level"].as_u64().unwrap() >= 1,
        "{stdout}"
    );
    assert_eq!(lines[1]["skills"]["empathy"]["level"], 0, "{stdout}");
    for skill in [
        "understanding",
        "exploration",
        "de_escalation",
        "clarity",
        "politeness",
        "greeting",
        "closing",
    ] {
        assert!(
            lines[1]["skills"][skill]["reason"].is_string(),
            "{skill}: {stdout}"
        );
    }
}

#[test]
fn score_stops_at_a_bad_line_after_printing_the_ones_before() {
    let input = "{\"reply\": \"Thank you for your patience.\"}\nnot json\n{\"reply\": \"Hi\"}\n";
    let out = run(&["quality", "score"], input);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 2"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let first: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert!(
        first["skills"]["politeness"]["level"].as_u64().unwrap() >= 1,
        "{stdout}"
    );

    let out = run(&["quality", "score"], "{\"context\": \"hi\"}\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 1") && stderr.contains("reply"), "{stderr}");
}

#[test]
fn eval_reads_a_split_and_names_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["quality", "eval", "--data", dir.path().to_str().unwrap()], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("strategy_test.csv"), "{stderr}");

    std::fs::write(
        dir.path().join("strategy_valid.csv"),
        "text,label\n\"How are you feeling?\",Question\n\"You could try a walk.\",Providing Suggestions\n\"I'm so sorry, that sounds hard.\",Reflection of feelings\nok,Others\n",
    )
    .unwrap();
    let out = run(
        &[
            "quality",
            "eval",
            "--data",
            dir.path().to_str().unwrap(),
            "--split",
            "valid",
            "--json",
        ],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["examples"], 4);
    let skills = report["skills"].as_array().unwrap();
    assert_eq!(skills.len(), 4);
    let exploration = skills.iter().find(|s| s["skill"] == "exploration").unwrap();
    assert_eq!(exploration["support"], 1);
    let table = run(
        &[
            "quality",
            "eval",
            "--data",
            dir.path().to_str().unwrap(),
            "--split",
            "valid",
        ],
        "",
    );
    assert!(table.status.success());
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("exploration") && table.contains("AUC"), "{table}");
}
