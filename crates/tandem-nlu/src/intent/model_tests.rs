//! Tests of the model file format: older versions are still read.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::intent::{train, Example, TrainOptions};

#[test]
fn version_1_files_are_still_read() {
    let mut examples = Vec::new();
    for (label, texts) in [
        (
            "card",
            ["where is my card", "my card has not come", "card not arrived yet"],
        ),
        (
            "rate",
            [
                "what is the exchange rate",
                "euro to dollar rate",
                "rate for pounds",
            ],
        ),
        (
            "stop",
            ["cancel the transfer", "stop my payment", "undo that transfer"],
        ),
    ] {
        for t in texts {
            examples.push(Example::new(t, label));
        }
    }
    let options = TrainOptions {
        static_features: false,
        ..TrainOptions::default()
    };
    let model = train(&examples, &options, None, &mut |_| {}).unwrap();
    let b = model.body.clone();
    let v1 = ModelBodyV1 {
        labels: b.labels,
        oos_class: b.oos_class,
        oos_label: b.oos_label,
        vectorizer: b.vectorizer,
        dense: b.dense,
        n_features: b.n_features,
        row_scale: b.row_scale,
        quantized: b.quantized,
        bias: b.bias,
        temperature: b.temperature,
        oos_threshold: b.oos_threshold,
        summary: b.summary,
    };
    let mut bytes = MODEL_MAGIC.to_vec();
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&postcard::to_allocvec(&v1).unwrap());
    let old = IntentModel::from_bytes(&bytes).unwrap();
    assert!(old.static_spec().is_none());
    for text in ["where is my card", "stop it", ""] {
        assert_eq!(old.predict(text).unwrap(), model.predict(text).unwrap());
    }
    // Version 0 never existed.
    bytes[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert!(matches!(
        IntentModel::from_bytes(&bytes),
        Err(IntentError::UnsupportedVersion { found: 0, .. })
    ));
}

#[test]
fn version_2_files_are_still_read() {
    let examples: Vec<Example> = [
        ("where is my card", "card"),
        ("card not arrived yet", "card"),
        ("what is the exchange rate", "rate"),
        ("euro to dollar rate", "rate"),
        ("cancel the transfer", "stop"),
        ("stop my payment", "stop"),
    ]
    .into_iter()
    .map(|(t, l)| Example::new(t, l))
    .collect();
    let model = train(&examples, &TrainOptions::default(), None, &mut |_| {}).unwrap();
    assert!(model.body.neighbours.is_none());
    // A version 2 body is a version 4 body without the trailing `neighbours` option and
    // text rules; a version 3 body has no text rules (plain normalisation).
    let mut v3 = model.to_bytes().unwrap();
    let text = postcard::to_allocvec(&model.body.text).unwrap();
    assert!(v3.ends_with(&text));
    v3.truncate(v3.len() - text.len());
    v3[8..12].copy_from_slice(&3u32.to_le_bytes());
    let mut v2 = v3.clone();
    assert_eq!(v2.pop(), Some(0));
    v2[8..12].copy_from_slice(&2u32.to_le_bytes());
    for bytes in [v2, v3] {
        let old = IntentModel::from_bytes(&bytes).unwrap();
        assert_eq!(old.body.vectorizer.rules(), crate::text::Rules::Plain);
        assert!(old.body.vectorizer.lexicon().is_none());
        for text in ["where is my card", "stop it", ""] {
            assert_eq!(old.predict(text).unwrap(), model.predict(text).unwrap());
        }
    }
}
