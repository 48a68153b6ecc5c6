//! Static files of the web UI (scripts, styles, icons), embedded in the binary at build time and
//! served with a content hash as ETag, so browsers revalidate cheaply and never run a stale script.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use include_dir::{include_dir, Dir};
use tandem_core::ErrorCode;

use crate::ApiError;

static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// `GET /assets/{path}`
pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
}

/// `GET /widget.js`: the loader a business puts on its site with one `<script>` tag.
pub async fn widget_loader(headers: HeaderMap) -> Response {
    serve("widget.js", &headers)
}

fn serve(path: &str, request_headers: &HeaderMap) -> Response {
    let Some(file) = ASSETS.get_file(path) else {
        return ApiError::new(ErrorCode::NotFound, "there is no such file").into_response();
    };
    let body = file.contents();
    let etag = format!("\"{:016x}\"", fnv1a64(body));
    let fresh = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    if path == "widget.js" {
        // The loader runs on the business's own pages.
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_has_a_known_type() {
        for file in ASSETS.files().chain(ASSETS.dirs().flat_map(|d| d.files())) {
            let path = file.path().to_string_lossy();
            assert_ne!(
                content_type(&path),
                "application/octet-stream",
                "{path} would be served without a content type"
            );
        }
    }
}
