//! `tandem models`: the registry from the command line, acting as a named staff member.

use serde_json::Value;

use crate::Data;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn active(data: &Data) -> String {
    let listed = json(&data.ok(&["models", "list", "--as", "trainer@example.org", "--json"]));
    let active: Vec<&Value> = listed["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "{listed}");
    active[0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn models_are_listed_trained_promoted_and_rolled_back() {
    let data = Data::with_demo_pack();
    data.user("trainer@example.org", "trainer");
    data.user("admin@example.org", "admin");
    data.user("agent@example.org", "agent");
    let imported = active(&data);

    let table = data.ok(&["models", "list", "--as", "trainer@example.org"]);
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    for column in ["ID", "STATUS", "CREATED", "EXAMPLES", "ACCURACY", "MACRO-F1"] {
        assert!(header.contains(column), "{table}");
    }
    let row = lines.next().unwrap();
    assert!(row.starts_with(&imported) && row.contains("active"), "{table}");

    let trained = data.ok(&["models", "train", "--as", "trainer@example.org"]);
    assert!(trained.starts_with("Trained the candidate "), "{trained}");
    assert!(
        trained.contains("active") && trained.contains("candidate"),
        "{trained}"
    );
    assert!(
        trained.contains("ACCURACY") && trained.contains("MACRO-F1"),
        "{trained}"
    );
    let trained = json(&data.ok(&["models", "train", "--as", "trainer@example.org", "--json"]));
    assert_eq!(trained["model"]["status"], "candidate");
    let candidate = trained["model"]["id"].as_str().unwrap().to_owned();
    for side in ["active", "candidate"] {
        let accuracy = trained["comparison"][side]["accuracy"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&accuracy), "{trained}");
    }
    assert_eq!(active(&data), imported, "training changes nothing");

    // Trained from the same content: the gate lets it through.
    let promoted = data.ok(&["models", "promote", &candidate, "--as", "trainer@example.org"]);
    assert!(promoted.contains(&candidate), "{promoted}");
    assert_eq!(active(&data), candidate);
    let replay = json(&data.ok(&[
        "models",
        "replay",
        &imported,
        "--as",
        "trainer@example.org",
        "--json",
    ]));
    assert_eq!(replay["total"], 0, "no customer has written: {replay}");
    assert_eq!(replay["active_model_id"], candidate.as_str());

    let back = data.ok(&["models", "rollback", "--as", "trainer@example.org"]);
    assert!(back.contains(&imported), "{back}");
    assert_eq!(active(&data), imported);
    let listed = json(&data.ok(&["models", "list", "--as", "admin@example.org", "--json"]));
    let statuses: Vec<&str> = listed["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "active").count(), 1, "{listed}");
    assert!(statuses.contains(&"retired"), "{listed}");
}

#[test]
fn the_person_acting_needs_the_right_and_errors_are_sentences() {
    let data = Data::with_demo_pack();
    data.user("trainer@example.org", "trainer");
    data.user("admin@example.org", "admin");
    data.user("agent@example.org", "agent");
    let id = active(&data);

    let unknown = data.fails(&["models", "list", "--as", "nobody@example.org"]);
    assert!(unknown.contains("no staff account"), "{unknown}");
    let agent = data.fails(&["models", "train", "--as", "agent@example.org"]);
    assert!(agent.contains("Only trainers, supervisors and admins"), "{agent}");
    let missing = data.fails(&[
        "models",
        "promote",
        "no-such-model",
        "--as",
        "trainer@example.org",
    ]);
    assert!(
        missing.contains("error: ") && missing.contains("model"),
        "{missing}"
    );
    let forced = data.fails(&[
        "models",
        "promote",
        &id,
        "--as",
        "trainer@example.org",
        "--force",
        "--reason",
        "why not",
    ]);
    assert!(forced.contains("Only admins"), "{forced}");
    let no_reason = data.fails(&["models", "promote", &id, "--as", "admin@example.org", "--force"]);
    assert!(no_reason.contains("reason"), "{no_reason}");
    let limit = data.fails(&[
        "models",
        "replay",
        &id,
        "--as",
        "trainer@example.org",
        "--limit",
        "0",
    ]);
    assert!(limit.contains("limit must be between 1 and 1000"), "{limit}");
    let without = data.run(&["models", "list"]);
    assert!(!without.status.success(), "--as is required");
    assert_eq!(active(&data), id, "nothing changed");
}
