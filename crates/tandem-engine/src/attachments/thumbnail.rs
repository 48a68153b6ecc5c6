//! Thumbnails of images: decoded under limits (a decompression bomb, a small file that claims a
//! huge picture, is refused before its pixels are allocated), turned upright, scaled to fit
//! [`THUMBNAIL_SIZE`] and re-encoded (JPEG, or PNG when the image has transparency). The
//! re-encoded copy carries no metadata of the original (EXIF: camera, time, GPS position).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use tandem_core::{Error, ErrorCode};

use super::FileType;
use crate::Result;

/// The box a thumbnail fits in, in pixels.
pub const THUMBNAIL_SIZE: u32 = 320;
/// The most pixels an image may have (40 megapixels: any phone camera's photo).
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most memory decoding one image may take.
const MAX_DECODE_BYTES: u64 = 4 * MAX_PIXELS;
/// The longest side an image may have.
const MAX_SIDE: u32 = 20_000;

fn unreadable(error: impl std::fmt::Display) -> Error {
    Error::invalid(
        ErrorCode::InvalidFile,
        format!("the image cannot be read: {error}"),
    )
}

fn format_of(file_type: FileType) -> Option<ImageFormat> {
    match file_type {
        FileType::Png => Some(ImageFormat::Png),
        FileType::Jpeg => Some(ImageFormat::Jpeg),
        FileType::Gif => Some(ImageFormat::Gif),
        FileType::Webp => Some(ImageFormat::WebP),
        FileType::Pdf => None,
    }
}

/// The thumbnail of an image (its first frame for an animation).
pub fn thumbnail(bytes: &[u8], file_type: FileType) -> Result<Vec<u8>> {
    let format = format_of(file_type).ok_or_else(|| unreadable("it is not an image"))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(Error::invalid(
            ErrorCode::InvalidFile,
            format!(
                "the image is too large: {width} × {height} pixels (at most {} megapixels)",
                MAX_PIXELS / 1_000_000
            ),
        ));
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    if image.width() > THUMBNAIL_SIZE || image.height() > THUMBNAIL_SIZE {
        image = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    }
    let mut out = Cursor::new(Vec::new());
    if image.color().has_alpha() {
        image.write_to(&mut out, ImageFormat::Png).map_err(encode_error)?;
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        image
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(encode_error)?;
    }
    Ok(out.into_inner())
}

fn refusal(error: image::ImageError) -> Error {
    match error {
        image::ImageError::Limits(_) => Error::invalid(
            ErrorCode::InvalidFile,
            "the image is too large to be shown (too many pixels)",
        ),
        other => unreadable(other),
    }
}

fn encode_error(error: image::ImageError) -> Error {
    Error::internal(format!("the thumbnail cannot be made: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, _| {
            image::Rgb([u8::try_from(x % 256).unwrap(), 40, 90])
        });
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_photo_becomes_a_small_jpeg() {
        let thumb = thumbnail(&png(1200, 600), FileType::Png).unwrap();
        assert_eq!(FileType::sniff(&thumb), Some(FileType::Jpeg));
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 160));
        // A small image keeps its size.
        let small = image::load_from_memory(&thumbnail(&png(40, 30), FileType::Png).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (40, 30));
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_decompression_bomb_and_garbage_are_refused() {
        // A valid PNG (its checksums right) claiming 15000 × 15000 pixels (225 megapixels, under
        // the longest side allowed) with hardly any data behind it: refused before decoding.
        let mut bomb = png(1, 1);
        let ihdr = bomb.windows(4).position(|w| w == b"IHDR").unwrap();
        bomb[ihdr + 4..ihdr + 8].copy_from_slice(&15_000u32.to_be_bytes());
        bomb[ihdr + 8..ihdr + 12].copy_from_slice(&15_000u32.to_be_bytes());
        let crc = crc32(&bomb[ihdr..ihdr + 17]);
        bomb[ihdr + 17..ihdr + 21].copy_from_slice(&crc.to_be_bytes());
        let refused = thumbnail(&bomb, FileType::Png).unwrap_err();
        assert_eq!(refused.code(), "invalid_file", "{refused}");
        assert!(refused.to_string().contains("too large"), "{refused}");
        let garbage = thumbnail(b"\x89PNG\r\n\x1a\nnot really", FileType::Png).unwrap_err();
        assert_eq!(garbage.code(), "invalid_file");
    }
}
