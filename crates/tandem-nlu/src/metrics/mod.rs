//! Evaluation metrics: classification (accuracy, F1, confusion) and ranking (ROC AUC, AP).

pub mod classification;
pub mod clustering;
pub mod ranking;
