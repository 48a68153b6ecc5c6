//! The wish for a person: the lexicon (patterns over word classes, not sentences), the phrases that
//! only mention a person, and typo tolerance for the nouns that name one.
//!
//! A request is a verb class followed by a target: to *talk* (talk, speak, chat, deal) *to|with* a
//! target; to be *put through* (connect, transfer, put, pass, hand, send, escalate …) *to* a target;
//! to *get* (get, want, need, reach, contact, "can I have" …) a target; "is there a target", "a
//! target I can talk to", "target please", "have someone call me back". A target is an optional
//! determiner ("a", "your", "one of your"), optional qualifiers ("real", "live", "customer
//! service") and a noun of the person class (human, person, agent, operator, representative, rep,
//! manager, supervisor, staff, employee, assistant, advisor …), or "customer service|support|care",
//! or "someone from your team". Negation cancels a request ("I don't need a human"); a blocker
//! cancels a request it overlaps ("I was speaking to an agent", "the operator of the site",
//! "staff discount").

use super::lexicon::{Entry, Feeds, CLEAR};

use Feeds::{Human, NotHuman};

/// The nouns of a person on the business's side.
macro_rules! noun {
    () => {
        "human|humans|person|persons|people|agent|agents|representative|representatives|rep|reps|operator|operators|manager|managers|supervisor|supervisors|employee|employees|staff|advisor|advisors|adviser|advisers|consultant|consultants|assistant|assistants|specialist|specialists|boss|colleague|colleagues"
    };
}

/// Determiners before a target: "a", "the", "your", "one of your", "any".
macro_rules! det {
    () => {
        "a|an|the|some|your|ur|any|one|someone|somebody? of|from? the|your|ur|our?"
    };
}

/// Qualifiers before the noun: "real", "live", "customer service", "support", "staff", "team".
macro_rules! qual {
    () => {
        "real|actual|live|human|proper|genuine|physical? real|actual|live|human|proper|genuine|physical? customer|client|support|sales|store|shop? service|services|support|care|staff|team?"
    };
}

/// "someone", "somebody", "anyone", "anybody".
macro_rules! someone {
    () => {
        "someone|somebody|anyone|anybody"
    };
}

/// A target: a person noun with its determiner and qualifiers.
macro_rules! target {
    () => {
        concat!(det!(), " ", qual!(), " ", noun!())
    };
}

/// A member of staff: "a staff member", "one of your team members", "a member of your staff".
macro_rules! member {
    () => {
        concat!(det!(), " staff|team member|members")
    };
}
macro_rules! member_of {
    () => {
        "a? member|members of the|your|ur? staff|team"
    };
}

/// Customer service as such: "customer service", "the support team", "your help desk".
macro_rules! service {
    () => {
        concat!(det!(), " customer|client|support|help|service|sales|care service|services|support|care|team|desk|department|dept")
    };
}

/// Verbs of talking, and the preposition after them.
macro_rules! talk {
    () => {
        "talk|talking|speak|speaking|chat|chatting|communicate|deal|discuss|converse to|with|w"
    };
}

/// Verbs of being put through, and the words up to the target.
macro_rules! connect {
    () => {
        "connect|connecting|connected|transfer|transferring|transferred|put|pass|passed|forward|forwarded|route|routed|escalate|escalated|hand|handed|send|sent|redirect|redirected|switch|switched|patch|patched|bump|bumped me|us|this|it|my? through|thru|over|across|back|on? to|with|w"
    };
}

/// Verbs of getting hold of someone.
macro_rules! get {
    () => {
        "get|give|gimme|want|need|request|requesting|prefer|reach|contact|summon|bring me|us?"
    };
}

/// Verbs a customer can do with a person ("someone I can talk to").
macro_rules! reach {
    () => {
        "talk|speak|chat|call|phone|ring|contact|reach|email|write|ask"
    };
}

pub(crate) const ENTRIES: &[Entry] = &[
    // --- requests: a verb class and a target ---
    (concat!(talk!(), " ", target!()), Human, "asked_for_person", 0.9, true),
    (concat!(talk!(), " ", member!()), Human, "asked_for_person", 0.9, true),
    (concat!(talk!(), " ", member_of!()), Human, "asked_for_person", 0.9, true),
    (concat!(talk!(), " ", service!()), Human, "asked_for_person", 0.85, true),
    (concat!(talk!(), " ", someone!()), Human, "asked_for_person", 0.8, true),
    (concat!(connect!(), " ", target!()), Human, "asked_for_person", 0.9, true),
    (concat!(connect!(), " ", member!()), Human, "asked_for_person", 0.9, true),
    (concat!(connect!(), " ", member_of!()), Human, "asked_for_person", 0.9, true),
    (concat!(connect!(), " ", service!()), Human, "asked_for_person", 0.9, true),
    (concat!(connect!(), " ", someone!()), Human, "asked_for_person", 0.85, true),
    (concat!(get!(), " ", target!()), Human, "asked_for_person", 0.85, true),
    (concat!(get!(), " ", member!()), Human, "asked_for_person", 0.85, true),
    (concat!(get!(), " ", member_of!()), Human, "asked_for_person", 0.85, true),
    (concat!(get!(), " ", service!(), " on|in the? line|phone|chat"), Human, "asked_for_person", 0.85, true),
    (concat!("reach|contact|call|phone|ring|email ", service!()), Human, "asked_for_person", 0.8, true),
    (concat!(get!(), " ", someone!(), " from|at|in|on|of the|your|ur? customer|client? team|staff|company|store|shop|office|support|service|care|side|end"), Human, "asked_for_person", 0.85, true),
    (concat!("put|get|bring ", target!(), " on|in ~please|pls|plz|now"), Human, "asked_for_person", 0.85, true),
    (concat!("put|get|bring ", target!(), " on|in the? line|phone|call|chat|case|here"), Human, "asked_for_person", 0.85, true),
    (concat!(get!(), " ", someone!(), " who|that works|work|is|s|from|at"), Human, "asked_for_person", 0.85, true),
    (concat!("can|could|may i|we have|get|see ", target!()), Human, "asked_for_person", 0.85, true),
    (concat!("is|are there ", det!(), " ", qual!(), " ", noun!()), Human, "asked_for_person", 0.8, true),
    (concat!(noun!(), "|", someone!(), "|member|members i|we can|could|may ", reach!()), Human, "asked_for_person", 0.85, true),
    (concat!("is|are|any ", det!(), " ", qual!(), " ", noun!(), " available|around|online|free|there|here|working"), Human, "asked_for_person", 0.75, true),
    (concat!("can|could|would|will|may ", det!(), " ", qual!(), " ", noun!(), "|member|members please? help|assist|contact|call|phone|ring|email me|us"), Human, "asked_for_person", 0.75, true),
    (concat!(noun!(), " ~please|pls|plz|asap|now"), Human, "asked_for_person", 0.8, true),
    ("human|humans being|beings", Human, "asked_for_person", 0.8, true),
    ("customer|client service|support|care ~please|pls|plz|asap", Human, "asked_for_person", 0.7, true),
    ("real|actual|live|proper|genuine human|humans|person|people|agent|agents|being|beings|operator|representative", Human, "real_person", CLEAR, true),
    // --- doubts about the bot, and rejecting it ---
    ("is this a|an? bot|robot|machine|computer|ai|automated|chatbot", Human, "suspects_bot", 0.35, false),
    ("am i talking|chatting|speaking to|with a|an? bot|robot|machine|computer|ai|chatbot", Human, "suspects_bot", 0.35, false),
    ("are you a|an? bot|robot|machine|computer|ai|human|person|real", Human, "suspects_bot", 0.35, false),
    ("no more bot|bots|robot|robots|machine|machines|automated|ai", Human, "rejects_bot", 0.8, false),
    ("stop the|this bot|robot|machine", Human, "rejects_bot", 0.8, false),
    ("not|no a|an? bot|bots|robot|robots|machine|machines|computer|ai|chatbot", Human, "rejects_bot", 0.35, false),
    // --- a call back, an escalation ---
    ("call|ring|phone me back", Human, "asked_for_callback", 0.6, true),
    ("give me a call|ring", Human, "asked_for_callback", 0.5, true),
    ("request|want|need|like|get|arrange|book|schedule|have a? callback|callbacks", Human, "asked_for_callback", 0.6, true),
    ("request|want|need|like|arrange|book|schedule a phone? call|ring", Human, "asked_for_callback", 0.5, true),
    (concat!("have|get|can|could|would|will ", someone!(), "|", det!(), " ", noun!(), "? from|at|in|on? the|your|ur? team|staff|company|store|shop|office|support? please? call|ring|phone|contact|email me|us"), Human, "asked_for_callback", 0.8, true),
    ("escalate|escalation", Human, "asked_for_escalation", 0.6, true),
    // --- mentions that are not requests: a request overlapping one of these does not count ---
    ("was|were|been talking|speaking|chatting", NotHuman, "reported_conversation", 0.0, false),
    ("was|were|been|got connected|transferred|put|passed|forwarded|routed|escalated|handed|sent|redirected|switched|patched|bumped", NotHuman, "reported_conversation", 0.0, false),
    ("operator|operators|owner|owners of|behind", NotHuman, "operator_of_site", 0.0, false),
    (concat!(noun!(), "|service|support|care|member discount|discounts|fee|fees|code|codes|number|numbers|email|address|hours|login|portal|account|page|rate|rates|price|prices|policy|id|pick|picks|review|reviews|card|cards"), NotHuman, "noun_as_modifier", 0.0, false),
];

/// Words that alone, in a very short message, ask for a person ("agent", "human please").
pub(crate) const SHORT_REQUEST_WORDS: &[&str] = &[
    "human",
    "humans",
    "agent",
    "agents",
    "operator",
    "representative",
    "person",
    "rep",
    "someone",
    "manager",
    "supervisor",
];

/// The nouns whose typos are corrected ("represenative", "operater", "humna"), with the words
/// close to them that are not typos.
const TYPO_NOUNS: &[&str] = &[
    "human",
    "person",
    "people",
    "agent",
    "operator",
    "representative",
    "manager",
    "supervisor",
    "employee",
    "staff",
    "assistant",
    "advisor",
    "consultant",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "customer",
    "service",
    "support",
    "specialist",
];
const NOT_TYPOS: &[&str] = &[
    "manage",
    "managed",
    "manages",
    "managers",
    "employer",
    "employed",
    "employers",
    "persona",
    "persons",
    "humane",
    "humans",
    "agents",
    "agency",
    "agenda",
    "staffs",
    "stuff",
    "operators",
    "supervise",
    "supervisors",
    "assistants",
    "advisors",
    "adviser",
    "consultants",
    "customers",
    "services",
    "served",
    "server",
    "serviced",
    "supports",
    "supporter",
    "specialists",
    "employees",
    "anyway",
    "peoples",
];

/// The person noun `word` is a likely typo of: the same first letter, and one edit away (a
/// substitution, insertion, deletion or swap of neighbours) for nouns of six letters or more, two
/// for nouns of twelve or more, only a swap for five-letter nouns ("humna", "agnet").
pub(crate) fn typo_of(word: &str) -> Option<&'static str> {
    let len = word.len();
    if !(5..=16).contains(&len) || !word.is_ascii() {
        return None;
    }
    let first = word.as_bytes().first()?;
    let noun = TYPO_NOUNS.iter().copied().find(|noun| {
        if noun.as_bytes().first() != Some(first) || *noun == word || len.abs_diff(noun.len()) > 2 {
            return false;
        }
        let allowed = match noun.len() {
            0..=5 => 0,
            6..=11 => 1,
            _ => 2,
        };
        if allowed == 0 {
            return len == noun.len() && is_one_swap(word.as_bytes(), noun.as_bytes());
        }
        edits_within(word.as_bytes(), noun.as_bytes(), allowed)
    })?;
    (!NOT_TYPOS.contains(&word)).then_some(noun)
}

/// `a` is `b` with two neighbouring letters swapped.
fn is_one_swap(a: &[u8], b: &[u8]) -> bool {
    let diff: Vec<usize> = (0..a.len().min(b.len()))
        .filter(|&i| a.get(i) != b.get(i))
        .take(3)
        .collect();
    match diff.as_slice() {
        [i, j] => *j == i + 1 && a.get(*i) == b.get(*j) && a.get(*j) == b.get(*i),
        _ => false,
    }
}

/// The optimal string alignment distance of `a` and `b` (edits and neighbour swaps) is at most
/// `max`. Both are short (at most 18 bytes), so the full table is cheap.
fn edits_within(a: &[u8], b: &[u8], max: usize) -> bool {
    const W: usize = 20;
    if a.len() >= W || b.len() >= W {
        return false;
    }
    let mut d = [[0usize; W]; W];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        if let Some(c) = row.first_mut() {
            *c = i;
        }
    }
    if let Some(row) = d.first_mut() {
        for (j, c) in row.iter_mut().enumerate().take(b.len() + 1) {
            *c = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let get = |d: &[[usize; W]; W], i: usize, j: usize| {
                d.get(i).and_then(|r| r.get(j)).copied().unwrap_or(usize::MAX / 2)
            };
            let same = a.get(i - 1) == b.get(j - 1);
            let mut v = (get(&d, i - 1, j) + 1)
                .min(get(&d, i, j - 1) + 1)
                .min(get(&d, i - 1, j - 1) + usize::from(!same));
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                v = v.min(get(&d, i - 2, j - 2) + 1);
            }
            if let Some(c) = d.get_mut(i).and_then(|r| r.get_mut(j)) {
                *c = v;
            }
        }
    }
    d.get(a.len())
        .and_then(|r| r.get(b.len()))
        .is_some_and(|&v| v <= max)
}

#[cfg(test)]
mod tests {
    use super::typo_of;

    #[test]
    fn typos_of_person_nouns_and_words_that_are_not() {
        for (typo, noun) in [
            ("represenative", "representative"),
            ("reprsentative", "representative"),
            ("operater", "operator"),
            ("humna", "human"),
            ("huamn", "human"),
            ("agnet", "agent"),
            ("supervisior", "supervisor"),
            ("somone", "someone"),
            ("servise", "service"),
            ("custmer", "customer"),
        ] {
            assert_eq!(typo_of(typo), Some(noun), "{typo}");
        }
        for word in [
            "human",
            "manage",
            "employer",
            "agenda",
            "stuff",
            "assistance",
            "personal",
            "urgent",
            "humid",
            "staffs",
            "anyway",
            "supervision",
            "order",
            "operate",
        ] {
            assert_eq!(typo_of(word), None, "{word}");
        }
    }
}
