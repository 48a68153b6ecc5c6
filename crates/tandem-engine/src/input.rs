//! Reading what arrives from outside (JSON bodies of the API).

use serde::{Deserialize, Deserializer};

/// For `#[serde(default, deserialize_with = "double_option")]`: a field that is present, even as
/// `null`, becomes `Some`, so an absent field (`None`, leave it) differs from `null` (`Some(None)`,
/// clear it).
pub(crate) fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
