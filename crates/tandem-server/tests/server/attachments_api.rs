//! Attachments over HTTP: the type is told by the file's content (a renamed program or web page is
//! 415), the size is limited (413), a message carries its files (text may then be empty, and the
//! bot does not run on a photo alone), files are served with safe headers, a customer reads only
//! their own conversation's files and never an internal note's, and erasure and export cover them.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

/// A small PNG (a "photo" of `width` × `height` pixels).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            u8::try_from(x % 256).unwrap(),
            u8::try_from(y % 256).unwrap(),
            120,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A minimal PDF document.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Uploads `bytes` to `path` (`.../attachments`) as `filename`, declared as `declared`.
pub async fn upload(
    app: &TestApp,
    path: &str,
    token: &str,
    filename: &str,
    declared: &str,
    bytes: &[u8],
) -> reqwest::Response {
    app.post(&format!("{path}?filename={}", urlencode(filename)))
        .bearer_auth(token)
        .header("content-type", declared)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn widget_files(customer: &Customer) -> String {
    format!(
        "/api/v1/widget/conversations/{}/attachments",
        customer.conversation_id
    )
}

fn staff_files(conversation: &str) -> String {
    format!("/api/v1/conversations/{conversation}/attachments")
}

async fn send(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.post(path)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn files_are_told_by_their_content_and_limited_in_size() {
    let engine = tandem_engine::EngineConfig {
        attachment_limits: tandem_engine::attachments::AttachmentLimits {
            max_bytes: 64 * 1024,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = spawn_app_with(tandem_server::ServerConfig::default(), engine).await;
    let customer = app.start_conversation("Tess Torn", "tess@example.org").await;
    let path = widget_files(&customer);

    // A photo, its name cleaned of folders.
    let photo = body(
        upload(
            &app,
            &path,
            &customer.token,
            "../../torn jacket.png",
            "image/png",
            &png(640, 480),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(photo["filename"], "torn jacket.png");
    assert_eq!(photo["content_type"], "image/png");
    assert_eq!(photo["thumbnail"], true);
    assert_eq!(photo["uploaded_by"], "customer");
    assert!(photo["message_id"].is_null());

    // A program renamed to .png, a web page renamed to .pdf, a PDF named .png: refused by content.
    let exe = [b"MZ\x90\x00\x03\x00\x00\x00".as_slice(), &[0u8; 200]].concat();
    for (name, declared, bytes) in [
        ("photo.png", "image/png", exe.as_slice()),
        (
            "manual.pdf",
            "application/pdf",
            b"<!doctype html><script>alert(1)</script>".as_slice(),
        ),
        ("photo.png", "application/octet-stream", PDF),
        ("manual.pdf", "image/png", PDF),
    ] {
        let refused = error(
            upload(&app, &path, &customer.token, name, declared, bytes).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file_type",
        )
        .await;
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(
            message.len() > 20 && message.contains(' '),
            "a sentence: {message}"
        );
    }
    // Too large: refused from its declared length, before the body is read.
    let big = png(1, 1)
        .into_iter()
        .chain(std::iter::repeat_n(0u8, 70 * 1024))
        .collect::<Vec<u8>>();
    let refused = error(
        upload(&app, &path, &customer.token, "big.png", "image/png", &big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
    )
    .await;
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("64 KiB"),
        "{refused}"
    );
    error(
        upload(&app, &path, &customer.token, "empty.png", "image/png", b"").await,
        StatusCode::BAD_REQUEST,
        "invalid_file",
    )
    .await;

    // Sent with a message of no text: the message carries it, for the customer and for staff.
    let messages = format!(
        "/api/v1/widget/conversations/{}/messages",
        customer.conversation_id
    );
    let sent = body(
        send(
            &app,
            &messages,
            &customer.token,
            json!({ "text": "", "attachment_ids": [photo["id"]] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(sent["text"], "");
    assert_eq!(sent["attachments"][0]["id"], photo["id"]);
    assert_eq!(sent["attachments"][0]["message_id"], sent["id"]);
    let shown = app.customer_messages(&customer).await;
    assert_eq!(shown[0]["attachments"][0]["filename"], "torn jacket.png");
    let detail = app.detail(&customer.conversation_id).await;
    assert_eq!(detail["messages"][0]["attachments"][0]["size"], photo["size"]);
    assert_eq!(detail["preview"], "[attachment]");
    // Sent once only; an unknown id, and too many ids, are refused; no text and no files is empty.
    for (ids, code) in [
        (json!([photo["id"]]), "invalid_attachment"),
        (
            json!([tandem_core::ids::AttachmentId::new()]),
            "invalid_attachment",
        ),
        (
            json!((0..6)
                .map(|_| tandem_core::ids::AttachmentId::new())
                .collect::<Vec<_>>()),
            "too_many_attachments",
        ),
        (json!([]), "empty_message"),
    ] {
        error(
            send(
                &app,
                &messages,
                &customer.token,
                json!({ "text": "", "attachment_ids": ids }),
            )
            .await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
}

#[tokio::test]
async fn files_are_served_safely_and_only_to_whom_they_belong() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let customer = app.start_conversation("Tess Torn", "tess@example.org").await;
    let stranger = app.start_conversation("Sam Stranger", "sam@example.org").await;
    let conversation = customer.conversation_id.clone();

    let photo = body(
        upload(
            &app,
            &widget_files(&customer),
            &customer.token,
            "jäcke \"torn\".png",
            "image/png",
            &png(800, 600),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let messages = format!("/api/v1/widget/conversations/{conversation}/messages");
    body(
        send(
            &app,
            &messages,
            &customer.token,
            json!({ "text": "It tore at the pocket", "attachment_ids": [photo["id"]] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // Staff read the photo and its thumbnail, with the safe headers.
    let photo_path = format!("{}/{}", staff_files(&conversation), photo["id"].as_str().unwrap());
    let thumb = app
        .get(&format!("{photo_path}/thumbnail"))
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    let headers = thumb.headers().clone();
    assert_eq!(header(&headers, "content-type"), "image/jpeg");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&headers, "content-security-policy"),
        "default-src 'none'; sandbox"
    );
    assert!(
        header(&headers, "cache-control").starts_with("private"),
        "{headers:?}"
    );
    assert_eq!(
        header(&headers, "content-disposition"),
        "inline; filename=\"j_cke _torn_.png\"; filename*=UTF-8''j%C3%A4cke%20_torn_.png",
        "quotes in the name were made safe at upload; the fallback is ASCII"
    );
    let small = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (320, 240),
        "a thumbnail fits 320 × 320"
    );
    let original = app
        .get(&photo_path)
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(header(original.headers(), "content-type"), "image/png");
    assert_eq!(original.bytes().await.unwrap().len(), png(800, 600).len());

    // The agent replies with a PDF (the customer may read it, as a download) and puts another in
    // an internal note (the customer may not), and keeps a third unsent.
    let staff_upload = |name: &'static str| {
        let app = &app;
        let token = agent.token.clone();
        let path = staff_files(&conversation);
        async move {
            body(
                upload(app, &path, &token, name, "application/pdf", PDF).await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    let label = staff_upload("return label.pdf").await;
    let notes = staff_upload("warehouse notes.pdf").await;
    let unsent = staff_upload("draft.pdf").await;
    assert_eq!(
        (label["thumbnail"].as_bool(), label["uploaded_by"].as_str()),
        (Some(false), Some("agent"))
    );
    let staff_messages = format!("/api/v1/conversations/{conversation}/messages");
    let reply = body(
        send(
            &app,
            &staff_messages,
            &agent.token,
            json!({ "text": "Here is your return label.", "attachment_ids": [label["id"]] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(reply["attachments"][0]["filename"], "return label.pdf");
    body(
        send(
            &app,
            &staff_messages,
            &agent.token,
            json!({ "text": "", "internal": true, "attachment_ids": [notes["id"]] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // Another staff member's upload cannot be sent by the customer, nor the customer's twice.
    error(
        send(
            &app,
            &messages,
            &customer.token,
            json!({ "text": "mine?", "attachment_ids": [unsent["id"]] }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_attachment",
    )
    .await;

    let customer_get = |id: &Value, token: &str, on: &str| {
        let path = format!(
            "/api/v1/widget/conversations/{on}/attachments/{}",
            id.as_str().unwrap()
        );
        let request = app.get(&path).bearer_auth(token.to_owned());
        async move { request.send().await.unwrap() }
    };
    let pdf = customer_get(&label["id"], &customer.token, &conversation).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(header(pdf.headers(), "content-type"), "application/pdf");
    assert_eq!(
        header(pdf.headers(), "content-disposition"),
        "attachment; filename=\"return label.pdf\"; filename*=UTF-8''return%20label.pdf"
    );
    assert_eq!(
        header(pdf.headers(), "content-security-policy"),
        "default-src 'none'; sandbox"
    );
    assert_eq!(pdf.bytes().await.unwrap().as_ref(), PDF);
    let own = customer_get(&photo["id"], &customer.token, &conversation).await;
    assert_eq!(own.status(), StatusCode::OK);
    // Never a note's file, nor an unsent one of staff; never with another conversation's token.
    for id in [&notes["id"], &unsent["id"]] {
        error(
            customer_get(id, &customer.token, &conversation).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    error(
        customer_get(&label["id"], &stranger.token, &conversation).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error(
        customer_get(&label["id"], &stranger.token, &stranger.conversation_id).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error(
        app.get(&format!(
            "{}/{}/thumbnail",
            staff_files(&conversation),
            label["id"].as_str().unwrap()
        ))
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The customer's view of messages never shows the note, nor its file.
    let seen = serde_json::to_string(&app.customer_messages(&customer).await).unwrap();
    assert!(
        seen.contains("return label.pdf") && !seen.contains("warehouse notes"),
        "{seen}"
    );

    // The export lists the files; erasure removes them.
    let customer_id = app.detail(&conversation).await["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let export = body(
        app.get(&format!("/api/v1/customers/{customer_id}/export"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let exported = export.to_string();
    for listed in [
        "return label.pdf",
        "warehouse notes.pdf",
        photo["sha256"].as_str().unwrap(),
    ] {
        assert!(exported.contains(listed), "the export lists {listed}");
    }
    let erased = app
        .delete(&format!("/api/v1/customers/{customer_id}"))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "reason": "customer request" }))
        .send()
        .await
        .unwrap();
    assert!(erased.status().is_success(), "{}", erased.status());
    let gone = app
        .get(&photo_path)
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_photo_alone_gets_no_bot_turn_and_live_frames_carry_files() {
    let app = spawn_demo_app().await;
    let customer = app.start_conversation("Tess Torn", "tess@example.org").await;
    let mut staff_socket = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    sync_ws(&mut staff_socket).await;
    let photo = body(
        upload(
            &app,
            &widget_files(&customer),
            &customer.token,
            "tear.png",
            "image/png",
            &png(64, 64),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let messages = format!(
        "/api/v1/widget/conversations/{}/messages",
        customer.conversation_id
    );
    body(
        send(
            &app,
            &messages,
            &customer.token,
            json!({ "text": "", "attachment_ids": [photo["id"]] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let frame = loop {
        let frame = next_event(&mut staff_socket).await;
        if frame["type"] == "message_created" {
            break frame;
        }
    };
    assert_eq!(frame["message"]["attachments"][0]["id"], photo["id"]);
    // No words, no bot turn: the bot neither answered nor decided anything.
    let shown = app.customer_messages(&customer).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(app.decisions(&customer.conversation_id).await.is_empty());
    // With words, the bot answers as ever.
    app.customer_says(&customer, "Where is my order A1001?").await;
    assert!(app.customer_messages(&customer).await.len() > 2);
}

/// Files are stored, so one client address may upload only so much per hour, whatever number of
/// conversations it starts: past the budget an upload is 429 with Retry-After and nothing is
/// stored; staff uploads are not counted.
#[tokio::test]
async fn a_client_uploads_only_so_much_per_hour() {
    let engine = tandem_engine::EngineConfig {
        widget_limits: tandem_engine::conversations::WidgetLimits {
            upload_mib_per_client: 3,
            ..tandem_engine::conversations::WidgetLimits::default()
        },
        ..tandem_engine::EngineConfig::default()
    };
    let app = spawn_app_with(tandem_server::ServerConfig::default(), engine).await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    let photo = png(8, 8);
    // A small file counts a whole MiB, a file of just over 1 MiB two.
    let big = {
        let mut pdf = PDF.to_vec();
        pdf.resize((1 << 20) + 10, b' ');
        pdf
    };
    let first = upload(
        &app,
        &widget_files(&ada),
        &ada.token,
        "a.png",
        "image/png",
        &photo,
    )
    .await;
    body(first, StatusCode::CREATED).await;
    let second = upload(
        &app,
        &widget_files(&bob),
        &bob.token,
        "b.pdf",
        "application/pdf",
        &big,
    )
    .await;
    body(second, StatusCode::CREATED).await;
    // Three MiB used over two conversations: the next file from this address waits.
    let refused = upload(
        &app,
        &widget_files(&bob),
        &bob.token,
        "c.png",
        "image/png",
        &photo,
    )
    .await;
    assert!(refused.headers().get("retry-after").is_some());
    error(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let stored = app
        .engine
        .store()
        .list_attachments(bob.conversation_id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "the refused file is not stored");
    // Staff are not the widget's clients.
    let conversation = bob.conversation_id.clone();
    let staff = upload(
        &app,
        &staff_files(&conversation),
        &app.admin_token,
        "label.pdf",
        "application/pdf",
        PDF,
    )
    .await;
    body(staff, StatusCode::CREATED).await;
}
