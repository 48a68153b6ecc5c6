//! Reading what arrives from outside (JSON bodies and query strings of the API).

use serde::{Deserialize, Deserializer};
use tandem_core::{Error, ErrorCode};

/// For `#[serde(default, deserialize_with = "double_option")]`: a field that is present, even as
/// `null`, becomes `Some`, so an absent field (`None`, leave it) differs from `null` (`Some(None)`,
/// clear it).
pub(crate) fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A page size as it arrives in a query string: `default` when absent, else a whole number from 1
/// to `max` (`invalid_limit` otherwise).
pub(crate) fn page_limit(text: Option<&str>, default: i64, max: i64) -> crate::Result<i64> {
    match text {
        None => Ok(default),
        Some(text) => limit_within(text.trim().parse::<i64>().unwrap_or(0), max),
    }
}

/// A page size given as a number: from 1 to `max` (`invalid_limit` otherwise).
pub(crate) fn limit_within(limit: i64, max: i64) -> crate::Result<i64> {
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(Error::invalid(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {max}"),
        ))
    }
}
