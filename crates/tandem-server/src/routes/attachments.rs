//! Files in conversations: upload (the raw bytes as the body, `?filename=`), then send with a
//! message's `attachment_ids`; download with safe headers. The customer routes open only the
//! token's own conversation and never a file of an internal note.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use tandem_core::model::Attachment;
use tandem_engine::conversations::{AttachmentPart, Download, Upload};

use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, ApiQuery, ClientAddr, CustomerToken, StaffAuth};
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (made safe: no folders, no control characters, at most 120 characters).
    pub filename: Option<String>,
}

/// Reads the body up to the attachment size limit (the request's own limit does not apply here).
async fn read_body(state: &AppState, body: Body) -> ApiResult<Vec<u8>> {
    let max = state.engine.conversations().attachment_limits().max_bytes;
    match axum::body::to_bytes(body, max.saturating_add(1)).await {
        Ok(bytes) if bytes.len() <= max => Ok(bytes.to_vec()),
        Ok(_) => Err(tandem_engine::attachments::too_large(max).into()),
        Err(e) => {
            // The body was cut at the limit (a body sent without a length), or the client went away.
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            let mut over = false;
            while let Some(error) = cause {
                over |= error.to_string().contains("length limit");
                cause = error.source();
            }
            if over {
                Err(tandem_engine::attachments::too_large(max).into())
            } else {
                Err(ApiError::new(
                    tandem_core::ErrorCode::BadRequest,
                    format!("the file could not be read: {e}"),
                ))
            }
        }
    }
}

fn declared_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

/// Upload a file to send with the customer's next message.
#[utoipa::path(post, path = "/api/v1/widget/conversations/{id}/attachments", tag = "widget",
    params(("id" = String, Path), UploadQuery), security(("customer_token" = [])),
    request_body(description = "The file's bytes. Its type is told by its content: PNG, JPEG, GIF, WebP or PDF.",
        content(("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"), ("application/pdf"), ("application/octet-stream"))),
    responses((status = 201, body = Attachment), (status = 400, description = "an empty or unreadable file, or too many files"),
        (status = 403), (status = 413, description = "the file is over the size limit"),
        (status = 415, description = "not an accepted type, or its content contradicts its declared type or name"),
        (status = 429, description = "too many messages; see Retry-After")))]
pub async fn customer_upload(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(id): Path<String>,
    customer: CustomerToken,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let id = parse_id(&id)?;
    // Only a token that opens the conversation makes the server read (and hold) a file's bytes.
    state.engine.auth().customer(id, &customer.0).await?;
    let bytes = read_body(&state, body).await?;
    let client = client.key();
    let upload = Upload {
        bytes: &bytes,
        filename: query.filename.as_deref().unwrap_or(""),
        declared_type: declared_type(&headers),
    };
    let attachment = state
        .engine
        .conversations()
        .from_client(&client)
        .customer_upload(id, &customer.0, upload)
        .await?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// Upload a file to send with the staff member's next reply or note.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/attachments", tag = "conversations",
    params(("id" = String, Path), UploadQuery), security(("staff_token" = [])),
    request_body(description = "The file's bytes. Its type is told by its content: PNG, JPEG, GIF, WebP or PDF.",
        content(("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"), ("application/pdf"), ("application/octet-stream"))),
    responses((status = 201, body = Attachment), (status = 400, description = "an empty or unreadable file, or too many files"),
        (status = 403), (status = 413, description = "the file is over the size limit"),
        (status = 415, description = "not an accepted type, or its content contradicts its declared type or name")))]
pub async fn staff_upload(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let id = parse_id(&id)?;
    let bytes = read_body(&state, body).await?;
    let upload = Upload {
        bytes: &bytes,
        filename: query.filename.as_deref().unwrap_or(""),
        declared_type: declared_type(&headers),
    };
    let attachment = state
        .engine
        .conversations()
        .staff_upload(&auth.staff, id, upload)
        .await?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// A file's name for `Content-Disposition` (RFC 6266): an ASCII fallback in `filename` (anything
/// else, and quotes and backslashes, become `_`) and the exact name, percent-encoded UTF-8
/// (RFC 5987), in `filename*`.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The file's bytes with headers that keep a browser from doing anything with them but show an
/// image or download a document.
fn serve(download: Download) -> Response {
    let inline = download.content_type.starts_with("image/");
    let disposition = content_disposition(inline, &download.attachment.filename);
    let mut response = (StatusCode::OK, download.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download.content_type),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn customer_download(
    state: AppState,
    id: &str,
    attachment: &str,
    token: &str,
    part: AttachmentPart,
) -> ApiResult<Response> {
    let download = state
        .engine
        .conversations()
        .customer_attachment(parse_id(id)?, token, parse_id(attachment)?, part)
        .await?;
    Ok(serve(download))
}

async fn staff_download(
    state: AppState,
    auth: StaffAuth,
    id: &str,
    attachment: &str,
    part: AttachmentPart,
) -> ApiResult<Response> {
    let download = state
        .engine
        .conversations()
        .staff_attachment(&auth.staff, parse_id(id)?, parse_id(attachment)?, part)
        .await?;
    Ok(serve(download))
}

/// A file of the customer's conversation (never one of an internal note).
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}/attachments/{attachment_id}", tag = "widget",
    params(("id" = String, Path), ("attachment_id" = String, Path)), security(("customer_token" = [])),
    responses((status = 200, description = "the file, with its type told by its content", content(
        (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/gif"), (Vec<u8> = "image/webp"),
        (Vec<u8> = "application/pdf"))), (status = 403)))]
pub async fn customer_file(
    State(state): State<AppState>,
    Path((id, attachment)): Path<(String, String)>,
    customer: CustomerToken,
) -> ApiResult<Response> {
    customer_download(state, &id, &attachment, &customer.0, AttachmentPart::Original).await
}

/// The thumbnail of an image of the customer's conversation.
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}/attachments/{attachment_id}/thumbnail", tag = "widget",
    params(("id" = String, Path), ("attachment_id" = String, Path)), security(("customer_token" = [])),
    responses((status = 200, description = "a small re-encoded copy, without the original's metadata", content(
        (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))), (status = 403)))]
pub async fn customer_thumbnail(
    State(state): State<AppState>,
    Path((id, attachment)): Path<(String, String)>,
    customer: CustomerToken,
) -> ApiResult<Response> {
    customer_download(state, &id, &attachment, &customer.0, AttachmentPart::Thumbnail).await
}

/// A file of a conversation.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/attachments/{attachment_id}", tag = "conversations",
    params(("id" = String, Path), ("attachment_id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, description = "the file, with its type told by its content", content(
        (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/gif"), (Vec<u8> = "image/webp"),
        (Vec<u8> = "application/pdf"))), (status = 403)))]
pub async fn staff_file(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    staff_download(state, auth, &id, &attachment, AttachmentPart::Original).await
}

/// The thumbnail of an image of a conversation.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/attachments/{attachment_id}/thumbnail", tag = "conversations",
    params(("id" = String, Path), ("attachment_id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, description = "a small re-encoded copy, without the original's metadata", content(
        (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))), (status = 403)))]
pub async fn staff_thumbnail(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    staff_download(state, auth, &id, &attachment, AttachmentPart::Thumbnail).await
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn names_are_quoted_safely_in_both_forms() {
        assert_eq!(
            content_disposition(false, "manual.pdf"),
            "attachment; filename=\"manual.pdf\"; filename*=UTF-8''manual.pdf"
        );
        assert_eq!(
            content_disposition(true, "jäcke \"torn\".png"),
            "inline; filename=\"j_cke _torn_.png\"; filename*=UTF-8''j%C3%A4cke%20%22torn%22.png"
        );
    }
}
