//! `tandem topics` and `tandem causes`: clustering a CSV's messages, the errors for bad input, and
//! the root-cause evaluation on the labelled set of tandem-nlu.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .env("TANDEM_LOG", "error")
        .env_remove("TANDEM_SEMANTIC_MODEL")
        .output()
        .unwrap()
}

fn csv_file(dir: &tempfile::TempDir, name: &str, body: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_owned()
}

const MESSAGES: &str = "id,text,channel
1,Do you repair bicycles?,web
2,\"My bike chain snapped, can you fix it?\",web
3,Is there a cycle repair service in your shop?,mail
4,Can I bring my bicycle in for a tune-up?,web
5,Who can service my mountain bike brakes?,web
6,I need someone to fix a flat tyre on my bike,web
7,Can I get an invoice with my company VAT number?,web
8,I need a VAT invoice for my business purchase,mail
9,Please send an invoice in the name of my firm,web
10,How do I download an invoice for my order?,web
11,The invoice must show our company address,web
12,Could you issue a tax invoice for accounting?,web
";

#[test]
fn topics_json_gives_a_cluster_per_row_and_labelled_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, "messages.csv", MESSAGES);
    let out = run(&["topics", "--data", &path, "--k", "2", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a: Vec<u64> = v["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(a.len(), 12);
    assert!(
        a[..6].iter().all(|&x| x == a[0]) && a[6..].iter().all(|&x| x == a[6]) && a[0] != a[6],
        "{v}"
    );
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 2);
    for c in clusters {
        let id = c["id"].as_u64().unwrap();
        assert_eq!(
            c["size"].as_u64().unwrap(),
            u64::try_from(a.iter().filter(|&&x| x == id).count()).unwrap()
        );
        assert!(!c["label"].as_str().unwrap().trim().is_empty());
    }
    // Without --json: a table; without --k: an automatic choice.
    let out = run(&["topics", "--data", &path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("12 messages in"));
}

#[test]
fn topics_bad_input_is_a_sentence_and_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, "messages.csv", MESSAGES);
    let no_text = csv_file(&dir, "no-text.csv", "id,message\n1,hello\n");
    let missing = dir.path().join("absent.csv");
    for (args, says) in [
        (vec!["topics", "--data", &no_text], "`text` column"),
        (vec!["topics", "--data", missing.to_str().unwrap()], "cannot read"),
        (
            vec!["topics", "--data", &path, "--k", "0"],
            "--k must be between 1 and",
        ),
        (
            vec!["topics", "--data", &path, "--k", "13"],
            "--k must be between 1 and",
        ),
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn topics_eval_reports_the_three_methods() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from("text,label\n");
    for line in MESSAGES.lines().skip(1) {
        let n: usize = line.split(',').next().unwrap().parse().unwrap();
        let text = line.split_once(',').unwrap().1.rsplit_once(',').unwrap().0;
        body.push_str(&format!("{text},{}\n", if n <= 6 { "bike" } else { "invoice" }));
    }
    let path = csv_file(&dir, "labelled.csv", &body);
    let out = run(&["topics", "eval", "--data", &path, "--seeds", "2", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let methods: Vec<&str> = v["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, vec!["tfidf+kmeans", "static-embedding+kmeans", "tandem"]);
    assert_eq!(v["labels"], 2);
    let tandem = &v["methods"][2]["scores"];
    assert!(tandem["accuracy"].as_f64().unwrap() > 0.9, "{v}");
    let out = run(&["topics", "eval", "--data", &path, "--label-column", "nope"]);
    assert!(!out.status.success());
}

#[test]
fn causes_eval_measures_both_layers() {
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tandem-nlu/tests/data/root-causes.csv"
    );
    let out = run(&["causes", "eval", "--data", data, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["measured_on"], "test");
    assert_eq!(v["learned_from"], "dev");
    for layer in ["lexicon", "learned"] {
        let acc = v[layer]["accuracy"].as_f64().unwrap();
        assert!(acc > 0.5, "{layer}: {v}");
        assert_eq!(v[layer]["per_cause"].as_array().unwrap().len(), 6);
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = csv_file(&dir, "bad.csv", "text,label\nhello,other\n");
    let out = run(&["causes", "eval", "--data", &bad]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`cause`"));
}

#[test]
fn causes_suggest_reads_messages_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["causes", "suggest"])
        .env("TANDEM_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"The checkout page shows an error and crashes\nCan I talk to someone?\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cause"], "technical_defect", "{v}");
    assert!(!v["evidence"].as_array().unwrap().is_empty());
}
