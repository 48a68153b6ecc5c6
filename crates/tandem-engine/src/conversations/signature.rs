//! How the customer is shown who wrote a message: agents' replies are signed with the pack's
//! `agent_name` when it has one, else with the agent's first name (never the full name or the
//! e-mail address).

use std::collections::HashMap;

use tandem_core::ids::UserId;
use tandem_core::model::{Author, CustomerMessage, Message};

use super::Conversations;
use crate::Result;

/// The first word of a name ("Sam" for "Sam Carter"); `None` for a blank name.
pub fn first_name(name: &str) -> Option<String> {
    name.split_whitespace().next().map(ToOwned::to_owned)
}

impl Conversations<'_> {
    /// Messages as their customer is shown them, each agent's reply with the name it is signed with.
    pub async fn as_customer_sees(&self, messages: &[Message]) -> Result<Vec<CustomerMessage>> {
        let fixed = self
            .engine
            .runtime()
            .bot()
            .and_then(|b| b.pack.manifest.texts.agent_name.clone());
        let mut names: HashMap<UserId, Option<String>> = HashMap::new();
        let mut shown = Vec::with_capacity(messages.len());
        for message in messages {
            let mut customer = CustomerMessage::from(message);
            if message.author == Author::Agent {
                customer.author_name = match (&fixed, message.author_user_id) {
                    (Some(name), _) => Some(name.clone()),
                    (None, Some(user)) => match names.get(&user) {
                        Some(name) => name.clone(),
                        None => {
                            let found = self.engine.store.get_user(user).await?;
                            let name = found.and_then(|u| first_name(&u.name));
                            names.insert(user, name.clone());
                            name
                        }
                    },
                    (None, None) => None,
                };
            }
            shown.push(customer);
        }
        Ok(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::first_name;

    #[test]
    fn a_first_name_is_the_first_word() {
        assert_eq!(first_name("Sam Carter").as_deref(), Some("Sam"));
        assert_eq!(first_name("  Ada  ").as_deref(), Some("Ada"));
        assert_eq!(first_name(" "), None);
    }
}
