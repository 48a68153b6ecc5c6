//! Root causes: what a case handed to people is a symptom of, so it can be sent to the people who
//! can remove the cause (service as a sensor).

use crate::string_enum::string_enum;

string_enum!(
    /// The closed set of root causes; each has an owner in the pack.
    RootCause, "root cause", InvalidRootCause {
        /// A manual, care label, help article or instruction is wrong or unclear.
        Documentation => "documentation",
        /// The website, an advert or a product description promised what the product does not do.
        ProductPromise => "product_promise",
        /// Someone advised the customer wrongly before or during the sale.
        SalesAdvice => "sales_advice",
        /// The app, the site or the product is broken: crashes, errors, defects.
        TechnicalDefect => "technical_defect",
        /// The business's own procedures: slow refunds, waiting, being passed around.
        Process => "process",
        Other => "other",
    }
);

/// The tag that mirrors a confirmed root cause on the conversation (`root:documentation`), so
/// filters and exports that read tags see it.
pub const TAG_PREFIX: &str = "root:";

impl RootCause {
    /// The conversation tag of this cause.
    pub fn tag(self) -> String {
        format!("{TAG_PREFIX}{}", self.as_str())
    }

    /// The cause a `root:*` tag names: `None` for other tags, an error for a `root:` tag that
    /// names no cause.
    pub fn of_tag(tag: &str) -> crate::Result<Option<Self>> {
        match tag.strip_prefix(TAG_PREFIX) {
            Some(name) => Self::parse(name).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_unknown_root_tags_are_errors() {
        for cause in RootCause::ALL {
            assert_eq!(RootCause::of_tag(&cause.tag()).unwrap(), Some(*cause));
        }
        assert_eq!(RootCause::of_tag("vip").unwrap(), None);
        assert!(RootCause::of_tag("root:bad_luck").is_err());
    }
}
