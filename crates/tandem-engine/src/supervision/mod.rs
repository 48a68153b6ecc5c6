//! Supervision of the bot by the people in charge of it: the model registry (a candidate is
//! trained, compared with the active model on the regression set, and promoted only through the
//! [`gate`]; rollback restores the model before), the [`replay`] of recent customer messages with
//! another model, the review queue in which trainers relabel what the bot got wrong ([`reviews`]),
//! and article drafts from people's answers ([`drafts`]).

pub mod drafts;
pub mod evaluate;
pub mod gate;
pub mod models;
pub mod replay;
pub mod reviews;
