//! PLACEHOLDER (replaced by the real classifier before commit).
pub const CAUSES: [&str; 6] = [
    "documentation",
    "product_promise",
    "sales_advice",
    "technical_defect",
    "process",
    "other",
];
#[derive(Clone, Debug, PartialEq)]
pub struct CauseEvidence {
    pub message: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub why: String,
}
#[derive(Clone, Debug, PartialEq)]
pub struct CauseSuggestion {
    pub cause: &'static str,
    pub confidence: f32,
    pub evidence: Vec<CauseEvidence>,
}
pub struct CauseClassifier;
impl CauseClassifier {
    pub fn new(_confirmed: &[(&str, &str)]) -> Self {
        Self
    }
    pub fn suggest(&self, messages: &[&str]) -> Option<CauseSuggestion> {
        for (i, m) in messages.iter().enumerate() {
            if let Some(start) = m.find("crash") {
                return Some(CauseSuggestion {
                    cause: "technical_defect",
                    confidence: 0.8,
                    evidence: vec![CauseEvidence {
                        message: i,
                        start,
                        end: start + 5,
                        text: "crash".into(),
                        why: "x".into(),
                    }],
                });
            }
        }
        None
    }
}
