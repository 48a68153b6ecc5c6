//! Every channel's messages come in here before anything is written: the text is checked (not
//! empty, not too long) and payment data is masked (card numbers and IBANs keep at most their last
//! four characters), so a full card number or IBAN is never stored, shown, logged or sent on. The
//! conversation list's preview of a message is redacted of all personal data.

use tandem_core::validate::MessageText;
use tandem_core::Error;
use tandem_nlu::pii::PiiKind;

use crate::Result;

/// A message text ready to store.
#[derive(Clone, Debug)]
pub struct Ingested {
    pub text: String,
    /// The kinds of payment data that were masked, in order.
    pub masked: Vec<PiiKind>,
    /// The text with every kind of personal data redacted, for conversation lists.
    pub preview: String,
}

/// What the customer is told when payment data was masked in their message.
pub const PAYMENT_NOTE: &str =
    "For your safety we hid the payment details in your message (only the last four \
digits are kept). Please never send a full card number or IBAN in this chat: we will never ask for one here.";

/// Checks a message text and masks the payment data in it.
pub fn message(raw: &str) -> Result<Ingested> {
    let text = MessageText::parse(raw)?.into_string();
    let masked = tandem_nlu::pii::mask_payment(&text)
        .map_err(|e| Error::internal(format!("the payment-data check cannot run: {e}")))?;
    Ok(Ingested {
        preview: crate::privacy::redact(&masked.text),
        text: masked.text,
        masked: masked.masked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_and_an_iban_are_masked_and_bad_text_is_refused() {
        let ingested =
            message(" my card is 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 ").unwrap();
        assert_eq!(
            ingested.text,
            "my card is [CARD ••••1111] and IBAN [IBAN ••••3000]"
        );
        assert_eq!(ingested.masked, [PiiKind::Card, PiiKind::Iban]);
        assert!(message("Where is my order A1001?").unwrap().masked.is_empty());
        assert_eq!(message("   ").unwrap_err().code(), "empty_message");
    }
}
