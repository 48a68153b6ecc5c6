//! One concrete suggestion per skill: what to do, in a sentence an agent can act on in their next
//! reply. Coaching profiles and practice feedback both take them from here.

use tandem_nlu::quality::Skill;

/// What to try next to show `skill`.
pub fn tip(skill: Skill) -> &'static str {
    match skill {
        Skill::Empathy => {
            "Acknowledge how the customer feels before you solve anything, in your own words: \
             \"I'm sorry this happened; I can see how frustrating it is.\""
        }
        Skill::Understanding => {
            "Say back what you understood happened to them (\"so the jacket arrived torn after a week's \
             wait\") so they know you listened."
        }
        Skill::Exploration => {
            "Ask one open question about their situation (\"What happened when you opened the parcel?\") \
             before you decide what to do."
        }
        Skill::DeEscalation => {
            "When a customer is upset, validate it (\"you're right to be upset\"), take ownership (\"I'll \
             sort this out\") and give a time frame; never tell them to calm down."
        }
        Skill::Clarity => {
            "Keep sentences short and concrete: say exactly what happens next, when, and what they need \
             to do, with numbers and dates."
        }
        Skill::Politeness => {
            "Use courteous words (please, thank you) and avoid bare commands such as \"Send a photo.\" or \
             \"Read the FAQ.\""
        }
        Skill::Solution => {
            "End with a concrete next step: what you did or will do (\"I've issued a refund; it reaches \
             your card within 5 days\"), not a pointer elsewhere."
        }
        Skill::Greeting => {
            "Open with a greeting and the customer's name: \"Hi Tom, thanks for reaching out.\""
        }
        Skill::Closing => {
            "Close by checking you helped and leaving the door open: \"Is there anything else I can do \
             for you?\""
        }
    }
}
