//! Numeric conversions, in one place so that the rest of the crate has no `as` casts.
//!
//! The lossless ones go through `TryFrom` (and saturate where a value cannot fit, which no count,
//! index or dimension of this crate comes near). The few that are lossy by design (a count as a
//! float for an average or a ratio, an `f64` result stored as `f32`, an `f32` quantised to `i8`,
//! a rounded float as a count) are small `#[inline]` helpers with a scoped lint exception each,
//! so they cost nothing in hot loops and each says what it loses.

/// `n` as `usize`: lossless on every target this crate builds for (32 and 64 bits), so the
/// saturation never happens and the conversion compiles to nothing.
#[inline]
pub fn u32_to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `n` as `u32`, saturating (counts, class indices and dimensions stored in model files).
#[inline]
pub fn usize_to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `n` as `u64`: lossless on every target this crate builds for.
#[inline]
pub fn usize_to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `n` as `usize`, saturating (sizes read from model files, checked against the data after).
#[inline]
pub fn u64_to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `n` as `f32`, for averages, ratios and weights: exact up to 2^24, the nearest float beyond.
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "a count as a float: exact up to 2^24, rounding to the nearest float beyond is intended"
)]
pub fn usize_to_f32(n: usize) -> f32 {
    n as f32
}

/// `n` as `f64`, for averages and ratios: exact up to 2^53, the nearest float beyond.
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "a count as a float: exact up to 2^53, rounding to the nearest float beyond is intended"
)]
pub fn usize_to_f64(n: usize) -> f64 {
    n as f64
}

/// `n` as `f64`: exact up to 2^53, the nearest float beyond.
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "a count as a float: exact up to 2^53, rounding to the nearest float beyond is intended"
)]
pub fn u64_to_f64(n: u64) -> f64 {
    n as f64
}

/// `n` as `f32`: exact up to 2^24 in magnitude (an int8 dot product of up to 1040 dimensions).
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "an integer dot product as a float: exact up to 2^24, the nearest float beyond"
)]
pub fn i32_to_f32(n: i32) -> f32 {
    n as f32
}

/// `x` as `f32`, rounded to the nearest (values computed in `f64` for accuracy, stored in `f32`).
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    reason = "f64 to f32 rounding is intended: results are computed in f64 and stored in f32"
)]
pub fn f64_to_f32(x: f64) -> f32 {
    x as f32
}

/// `x` rounded to the nearest integer and clamped to `[-127, 127]`: an int8 quantisation code
/// (NaN gives 0).
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    reason = "int8 quantisation: the value is rounded and clamped to the i8 range first"
)]
pub fn quantise_i8(x: f32) -> i8 {
    x.round().clamp(-127.0, 127.0) as i8
}

/// `x` (already rounded by the caller) as a count: negative values and NaN give 0, values beyond
/// `usize::MAX` give `usize::MAX`.
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a rounded float as a count: `as` saturates, which is the intended behaviour"
)]
pub fn f64_to_usize(x: f64) -> usize {
    x as usize
}

/// `n` as `f64`, for ratios of counts: exact up to 2^53, the nearest float beyond.
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "a count as a float: exact up to 2^53, rounding to the nearest float beyond is intended"
)]
pub fn i64_to_f64(n: i64) -> f64 {
    n as f64
}

/// `n` as `f32`: exact up to 2^24, the nearest float beyond.
#[inline]
#[allow(
    clippy::as_conversions,
    clippy::cast_precision_loss,
    reason = "a count as a float: exact up to 2^24, rounding to the nearest float beyond is intended"
)]
pub fn u32_to_f32(n: u32) -> f32 {
    n as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_values_and_saturate_at_the_edges() {
        assert_eq!(u32_to_usize(u32::MAX), 4_294_967_295);
        assert_eq!(usize_to_u32(7), 7);
        assert_eq!(usize_to_u32(usize::MAX), u32::MAX);
        assert_eq!(usize_to_u64(12), 12);
        assert_eq!(u64_to_usize(12), 12);
        assert_eq!(usize_to_f32(3), 3.0);
        assert_eq!(usize_to_f64(1 << 40), 1_099_511_627_776.0);
        assert_eq!(u64_to_f64(5), 5.0);
        assert_eq!(i32_to_f32(-16_129), -16_129.0);
        assert_eq!(f64_to_f32(0.5), 0.5);
        assert_eq!(quantise_i8(126.6), 127);
        assert_eq!(quantise_i8(-300.0), -127);
        assert_eq!(quantise_i8(f32::NAN), 0);
        assert_eq!(f64_to_usize(4.0), 4);
        assert_eq!(f64_to_usize(-1.0), 0);
        assert_eq!(f64_to_usize(f64::NAN), 0);
    }
}
