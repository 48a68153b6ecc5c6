//! Supervision of the bot by the people in charge of it: the model registry (a candidate is
//! trained, compared with the active model on the regression set, and promoted only through the
//! [`gate`]; rollback restores the model before).

pub mod evaluate;
pub mod gate;
pub mod models;
