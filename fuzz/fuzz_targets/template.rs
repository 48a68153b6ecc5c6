//! Reply templates: `pack::rules::check_template` (what import and the content editor run when a
//! template is saved) and, for a template it accepts, `pack::rules::render_bounded` (what a bot
//! turn runs) on a small JSON context shaped like the one a reply sees.
//!
//! Input: the template source, then optionally after a NUL byte a JSON object to use as the
//! context (at most 4 KiB; otherwise a fixed context with a customer, slots and order rows), then
//! optionally after another NUL byte the template's name.
//!
//! Invariants (`pack::rules` docs): rendering never panics, its work is bounded by the fuel
//! limit (`TEMPLATE_FUEL`), so it never takes unbounded time (libFuzzer's `-timeout` and
//! `-report_slow_units` report inputs that do), and an accepted render is at most
//! `MAX_RENDERED_CHARS` characters.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tandem_engine::pack::rules::{check_template, render_bounded, template_environment, MAX_RENDERED_CHARS};

/// The largest context read from the input: a reply's context is an order or two, not a database.
const MAX_CONTEXT_BYTES: usize = 4096;

/// What a reply template sees (`pipeline::reply::template_context`): the customer, the slots, the
/// connector's rows and the first row.
fn default_context() -> &'static Value {
    static CONTEXT: OnceLock<Value> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let rows = json!([
            {
                "order_id": "A1043", "status": "shipped", "placed_at": "2024-03-01",
                "shipped_at": "2024-03-02", "carrier": "UPS", "tracking_number": "1Z999",
                "total": "49.99", "currency": "USD", "item": "Merino sweater", "size": "M",
                "colour": "navy", "quantity": 2, "balance": "0.00", "owner_email": "maria@example.com"
            },
            { "order_id": "A1043", "item": "Rain jacket", "quantity": 1, "size": null }
        ]);
        json!({
            "customer": { "name": "Maria Rossi", "email": "maria@example.com" },
            "slots": { "order_id": "A1043" },
            "row": rows[0].clone(),
            "rows": rows,
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let input = tandem_fuzz::text(data);
    let [source, context_text, name] = tandem_fuzz::parts(&input, 3)[..] else {
        return;
    };
    let name = if name.is_empty() { "reply" } else { name };

    if check_template(name, source).is_err() {
        return;
    }
    let context = match serde_json::from_str::<Value>(context_text) {
        Ok(v @ Value::Object(_)) if context_text.len() <= MAX_CONTEXT_BYTES => v,
        _ => default_context().clone(),
    };
    let mut env = template_environment();
    if env
        .add_template_owned(name.to_owned(), source.to_owned())
        .is_err()
    {
        return;
    }
    let Ok(template) = env.get_template(name) else {
        return;
    };
    if let Ok(text) = render_bounded(&template, &context) {
        let chars = text.chars().count();
        assert!(chars <= MAX_RENDERED_CHARS, "rendered {chars} characters");
    }
});
