//! `tandem quality`: scoring JSON Lines from stdin, the evaluation's error for a missing file,
//! training the learned layer and scoring with it, and the error for a corrupt model file.

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
    // A command that fails before reading its input (a missing model) closes the pipe first: a
    // broken pipe here is that answer, not the test's failure.
    match child.stdin.take().unwrap().write_all(input.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("cannot write stdin: {e}"),
        _ => {}
    }
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

/// A tiny labelled split where the made-up word "zorbly" marks a suggestion.
fn tiny_split(n: usize) -> String {
    let mut csv = String::from("text,label\n");
    let topics = [
        "the garden",
        "my cat",
        "the train",
        "the report",
        "lunch",
        "the river",
    ];
    for k in 0..n {
        let topic = topics[k % topics.len()];
        csv.push_str(&format!("\"About {topic}, zorbly {k}.\",Providing Suggestions\n"));
        csv.push_str(&format!("\"About {topic}, plainly {k}.\",Others\n"));
    }
    csv
}

#[test]
fn train_writes_a_model_that_score_and_eval_use() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("strategy_train.csv"), tiny_split(90)).unwrap();
    std::fs::write(dir.path().join("strategy_valid.csv"), tiny_split(12)).unwrap();
    let model = dir.path().join("quality.model");
    let data = dir.path().to_str().unwrap();
    let out = run(
        &[
            "quality",
            "train",
            "--data",
            data,
            "--out",
            model.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("solution") && stdout.contains("F1"), "{stdout}");
    assert!(model.is_file());

    let input = "{\"reply\": \"About my cat, zorbly.\"}\n{\"reply\": \"About my cat, plainly.\"}\n";
    let out = run(&["quality", "score", "--model", model.to_str().unwrap()], input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let yes = &lines[0]["skills"]["solution"];
    assert!(yes["level"].as_u64().unwrap() >= 1, "{stdout}");
    assert!(
        yes["reason"].as_str().unwrap().contains("trained model"),
        "{stdout}"
    );
    assert_eq!(lines[1]["skills"]["solution"]["level"], 0, "{stdout}");

    let out = run(
        &[
            "quality",
            "eval",
            "--data",
            data,
            "--split",
            "valid",
            "--model",
            model.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let solution = report["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == "solution")
        .unwrap();
    assert_eq!(solution["f1"], 1.0, "{report}");
}

#[test]
fn a_missing_or_corrupt_model_fails_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.model");
    std::fs::write(&bad, b"this is not a model").unwrap();
    let out = run(
        &["quality", "score", "--model", bad.to_str().unwrap()],
        "{\"reply\": \"Hi\"}\n",
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.model") && stderr.contains("not a usable quality model"),
        "{stderr}"
    );

    let missing = dir.path().join("missing.model");
    let out = run(
        &["quality", "score", "--model", missing.to_str().unwrap()],
        "{\"reply\": \"Hi\"}\n",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("missing.model"), "{stderr}");

    let out = run(
        &[
            "quality",
            "train",
            "--data",
            dir.path().to_str().unwrap(),
            "--out",
            bad.to_str().unwrap(),
        ],
        "",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("strategy_train.csv"), "{stderr}");
}
