//! Files customers and staff send in conversations: images (PNG, JPEG, GIF, WebP) and PDFs. What a
//! file is, is told by its first bytes (its "magic"), never by the type or name the client sends:
//! a renamed program or web page is refused (415), and so is a file whose content contradicts the
//! type or name it was sent with. Files are size-limited (413), their names made safe, and images
//! are decoded under limits (a decompression bomb is refused) into a thumbnail that is re-encoded,
//! so it carries none of the original's metadata (EXIF, such as a phone's GPS position). The
//! original is kept byte for byte, for staff and the conversation's customer only.
//!
//! The service calls live with the conversations (`conversations/attachments.rs`); this module is
//! the part without I/O.

mod thumbnail;

use sha2::{Digest, Sha256};
use tandem_core::{Error, ErrorCode};

pub use thumbnail::{thumbnail, MAX_PIXELS, THUMBNAIL_SIZE};

use crate::Result;

/// How large and how many attachments may be (see [`crate::EngineConfig::attachment_limits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// The largest file, in bytes.
    pub max_bytes: usize,
    /// The most files one message may carry.
    pub per_message: usize,
    /// The most files one conversation may hold in all.
    pub per_conversation: usize,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            per_message: 5,
            per_conversation: 100,
        }
    }
}

/// The longest file name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 120;

/// A type of file Tandem accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
}

impl FileType {
    pub const ALL: [FileType; 5] = [Self::Png, Self::Jpeg, Self::Gif, Self::Webp, Self::Pdf];

    /// What its content starts with tells the type; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
            Some(Self::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// How a person names the type.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Png => "a PNG image",
            Self::Jpeg => "a JPEG image",
            Self::Gif => "a GIF image",
            Self::Webp => "a WebP image",
            Self::Pdf => "a PDF document",
        }
    }

    /// The usual file-name extension; the first one is added to a name that has none of them.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Self::Gif => &["gif"],
            Self::Webp => &["webp"],
            Self::Pdf => &["pdf"],
        }
    }

    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }

    /// The type a declared MIME type names (`image/jpg` too), if it is one of ours.
    fn of_mime(declared: &str) -> Option<Self> {
        let mime = declared
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime == "image/jpg" || mime == "image/pjpeg" {
            return Some(Self::Jpeg);
        }
        Self::ALL.into_iter().find(|t| t.mime() == mime)
    }
}

/// An upload checked and ready to store.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    pub file_type: FileType,
    /// The safe name, with an extension that matches the content.
    pub filename: String,
    pub sha256: String,
    /// For an image: the re-encoded thumbnail.
    pub thumbnail: Option<Vec<u8>>,
}

fn unsupported(message: impl std::fmt::Display) -> Error {
    Error::invalid(ErrorCode::UnsupportedFileType, message)
}

/// What is accepted, for the refusals.
const ACCEPTED: &str = "PNG, JPEG, GIF or WebP images and PDF documents";

/// Checks an upload: its size, its type by content (against the declared type and the name's
/// extension), and, for an image, that it decodes under the limits (making its thumbnail). CPU
/// work: call it off the async runtime's threads.
pub fn check(
    bytes: &[u8],
    filename: &str,
    declared_type: Option<&str>,
    limits: &AttachmentLimits,
) -> Result<CheckedFile> {
    if bytes.is_empty() {
        return Err(Error::invalid(ErrorCode::InvalidFile, "the file is empty"));
    }
    if bytes.len() > limits.max_bytes {
        return Err(too_large(limits.max_bytes));
    }
    let file_type = FileType::sniff(bytes).ok_or_else(|| {
        unsupported(format!(
            "this type of file cannot be sent: only {ACCEPTED} are accepted"
        ))
    })?;
    if let Some(declared) = declared_type
        .map(str::trim)
        .filter(|d| !d.is_empty() && !d.starts_with("application/octet-stream"))
    {
        match FileType::of_mime(declared) {
            Some(t) if t == file_type => {}
            _ => {
                return Err(unsupported(format!(
                    "the file was sent as {declared} but its content is {}",
                    file_type.noun()
                )))
            }
        }
    }
    let filename = sanitise_filename(filename);
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let named = FileType::ALL
        .into_iter()
        .find(|t| t.extensions().contains(&extension.as_str()));
    let filename = match named {
        Some(t) if t == file_type => filename,
        Some(t) => {
            return Err(unsupported(format!(
                "the file's name says it is {} but its content is {}",
                t.noun(),
                file_type.noun()
            )))
        }
        None => with_extension(&filename, file_type),
    };
    let thumbnail = if file_type.is_image() {
        Some(thumbnail(bytes, file_type)?)
    } else {
        None
    };
    Ok(CheckedFile {
        file_type,
        filename,
        sha256: hex::encode(Sha256::digest(bytes)),
        thumbnail,
    })
}

/// The refusal of a file over the limit.
pub fn too_large(max_bytes: usize) -> Error {
    Error::invalid(
        ErrorCode::FileTooLarge,
        format!(
            "the file is too large: at most {} can be sent",
            human_size(max_bytes)
        ),
    )
}

/// `10 MiB`, `512 KiB`, `900 bytes`.
pub fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.checked_rem(MIB) == Some(0) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A file name safe to store and show: the last part of any path, without control characters,
/// quotes or characters some systems refuse, trimmed of dots and spaces at its ends, at most
/// [`MAX_FILENAME_CHARS`] characters (the extension kept); `attachment` when nothing is left.
pub fn sanitise_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '"' | '<' | '>' | ':' | '|' | '?' | '*' | '\u{2028}' | '\u{2029}'
                )
                || is_invisible(c)
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c == ' ' || c == '_');
    if cleaned.is_empty() {
        return "attachment".to_owned();
    }
    if cleaned.chars().count() <= MAX_FILENAME_CHARS {
        return cleaned.to_owned();
    }
    // Keep a short extension, cut the stem.
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, Some(ext)),
        _ => (cleaned, None),
    };
    let room = MAX_FILENAME_CHARS - ext.map_or(0, |e| e.chars().count() + 1);
    let mut cut: String = stem.chars().take(room).collect();
    if let Some(ext) = ext {
        cut.push('.');
        cut.push_str(ext);
    }
    cut
}

/// Characters that change how text is shown without being seen: bidirectional overrides (U+202E,
/// "right-to-left override", makes `evil` + U+202E + `gnp.exe` read as `evilexe.png`) and
/// zero-width characters.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn with_extension(name: &str, file_type: FileType) -> String {
    let ext = file_type.extensions().first().copied().unwrap_or("bin");
    let room = MAX_FILENAME_CHARS.saturating_sub(ext.len() + 1);
    let stem: String = name.chars().take(room).collect();
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_told_by_content() {
        assert_eq!(FileType::sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileType::Png));
        assert_eq!(FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileType::Jpeg));
        assert_eq!(FileType::sniff(b"GIF89a...."), Some(FileType::Gif));
        assert_eq!(FileType::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(FileType::sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(b"MZ\x90\0"), None, "a Windows program");
        assert_eq!(FileType::sniff(b"<html><script>"), None);
        assert_eq!(FileType::sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(FileType::sniff(b""), None);
    }

    #[test]
    fn names_lose_paths_controls_and_length() {
        assert_eq!(sanitise_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_filename("C:\\Users\\x\\photo.png"), "photo.png");
        assert_eq!(sanitise_filename("a\u{0}b\nc\"d.pdf"), "a_b_c_d.pdf");
        assert_eq!(sanitise_filename("evil\u{202E}gnp.exe"), "evil_gnp.exe");
        assert_eq!(sanitise_filename("  ..  "), "attachment");
        assert_eq!(sanitise_filename(""), "attachment");
        let long = format!("{}.jpeg", "x".repeat(500));
        let cut = sanitise_filename(&long);
        assert_eq!(cut.chars().count(), MAX_FILENAME_CHARS);
        assert!(cut.ends_with(".jpeg"));
    }

    #[test]
    fn content_must_agree_with_declared_type_and_name() {
        let limits = AttachmentLimits::default();
        let pdf = b"%PDF-1.4\n%%EOF\n";
        let ok = check(pdf, "manual", Some("application/pdf"), &limits).unwrap();
        assert_eq!(
            (ok.file_type, ok.filename.as_str()),
            (FileType::Pdf, "manual.pdf")
        );
        assert_eq!(ok.sha256.len(), 64);
        assert!(ok.thumbnail.is_none());
        let refused = |bytes: &[u8], name: &str, declared: Option<&str>| {
            check(bytes, name, declared, &limits).unwrap_err().code()
        };
        assert_eq!(
            refused(b"MZ\x90\0program", "photo.png", Some("image/png")),
            "unsupported_file_type"
        );
        assert_eq!(refused(b"<html>", "page.pdf", None), "unsupported_file_type");
        assert_eq!(refused(pdf, "photo.png", None), "unsupported_file_type");
        assert_eq!(
            refused(pdf, "manual.pdf", Some("image/png")),
            "unsupported_file_type"
        );
        assert_eq!(refused(b"", "x.pdf", None), "invalid_file");
        let small = AttachmentLimits {
            max_bytes: 8,
            ..limits
        };
        assert_eq!(
            check(pdf, "m.pdf", None, &small).unwrap_err().code(),
            "file_too_large"
        );
        assert_eq!(human_size(10 * 1024 * 1024), "10 MiB");
    }
}
