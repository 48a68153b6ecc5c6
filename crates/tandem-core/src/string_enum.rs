//! `string_enum!`: closed enums stored and sent as stable snake_case strings.

/// Defines a closed, string-coded enum with `as_str`, `parse` and `ALL`.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, $code:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Result<Self, $crate::Error> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::Error::invalid(
                        $crate::ErrorCode::$code,
                        format!(
                            "{:?} is not a valid {}; expected one of: {}",
                            other,
                            $what,
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;
