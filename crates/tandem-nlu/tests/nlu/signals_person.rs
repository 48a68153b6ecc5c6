//! The wish for a person, however it is worded: a varied set of requests (with typos and slang)
//! and of messages that merely mention a person, measured as precision and recall at the demo
//! pack's `person_request_handoff` threshold (0.5, also the default of `PolicySettings`).

use tandem_nlu::signals::{self, Context, Source};

/// The demo pack's (and the default) `person_request_handoff`.
const HANDOFF: f32 = 0.5;

/// Requests for a person. Written to vary the verb, the noun, the word order and the register;
/// none of them is a lexicon entry.
const ASKS: &[&str] = &[
    "pls put me thru to an operator",
    "can i get a real person on this",
    "I'd rather speak to someone from your staff",
    "let me talk to somebody who works there",
    "agent please",
    "I need a human being, not a machine",
    "connect me with customer service please",
    "is there a human I can chat with?",
    "Could you transfer me to a representative?",
    "I want to talk to the manager.",
    "get me a supervisor",
    "Can I speak with your supervisor please",
    "Please have someone call me back.",
    "call me back asap on 555 0100",
    "i wanna speak to a person",
    "Operator!",
    "rep please",
    "Representative.",
    "Can I talk to a represenative",
    "let me speak with an operater",
    "I'd like to talk to a humna",
    "speak to a real huamn please",
    "escalate this to a supervisor",
    "Is there anyone I can talk to?",
    "Is there someone I can call about this?",
    "Hand me over to an agent",
    "Are there any humans working there?",
    "How do I reach a real person?",
    "I need to contact a human about my refund",
    "can u connect me w an agent",
    "Put me through to customer support.",
    "I'd prefer to deal with a person",
    "gimme a human",
    "May I have a real person please?",
    "Can a staff member help me with this?",
    "Is a manager available?",
    "I demand to speak to a manager about this order",
    "human pls",
    "Let me chat with an actual person, not a bot",
    "Get a supervisor on the line.",
    "I would like to speak to customer care",
    "Could somebody from your team call me?",
    "Please pass me to one of your staff",
    "No more bots, I want a person",
    "transfer to live agent",
    "i need an assistant to help me, a real one",
    "Can I talk with a customer servise agent?",
    "send me to a human",
];

/// Messages that mention a person, a role or customer service without asking for one.
const MENTIONS: &[&str] = &[
    "I don't need a human",
    "the operator of the website is not listed anywhere",
    "my manager asked me to order this",
    "customer service was great, thanks",
    "No need to transfer me, you solved it",
    "I never asked to speak to an agent",
    "The agent I spoke to yesterday was nice",
    "I talked to your rep last week about the refund",
    "I was speaking to an agent earlier and he promised a refund",
    "Who is the operator of this shop?",
    "My supervisor needs an invoice for this order",
    "Please send the invoice to my manager",
    "I'm buying this as a gift for a person who loves hiking",
    "Is the human hair wig in stock?",
    "The representative at the store told me to ask here",
    "thanks, the support team already helped me",
    "Do you have any staff discounts?",
    "I don't want to talk to anyone, just tell me the price",
    "no need for a human, the bot is fine",
    "Customer service has been excellent so far",
    "I'm a sales rep for a company, can I order in bulk?",
    "The courier said someone must sign for the package",
    "Can someone else pick up my order?",
    "is this a bot?",
    "I need assistance with my order",
    "I want to manage my subscription",
    "What's on the agenda for the sale next week?",
    "My employer pays for the uniform, can I get an invoice?",
    "The jacket is for my husband, he is a big person",
    "Your customer support team answered within an hour, impressive",
    "Are the reviews written by real people?",
    "Can my agent collect the parcel for me?",
    "I need a travel agent recommendation",
    "Does the personal shopper service cost extra?",
    "I spoke to a human yesterday, she said the refund was sent",
    "Where is my order A1001?",
];

/// Written after the lexicon, and not used to change it: a check of how the patterns generalise.
const HELD_OUT_ASKS: &[&str] = &[
    "Could I please speak to someone in charge?",
    "I want to talk to a real live person",
    "yo can i talk to a human real quick",
    "pass me on to a supervisor please",
    "Is there an actual human around?",
    "I would prefer to chat with a staff member",
    "Put a manager on, please.",
    "any chance of speaking with a representative?",
    "Need human help",
    "i want to talk to customer service",
    "Get me someone from customer support",
    "Can you have a manager contact me?",
    "Talk to a person.",
    "connect me to a live operator pls",
    "I'd like to be transferred to an agent",
    "Humans only please",
    "Can somebody from the shop ring me back?",
    "Please get a real person to look at this",
    "I need to speak with your customer care team",
    "Let me speak to an employee",
];

const HELD_OUT_MENTIONS: &[&str] = &[
    "The delivery person left the parcel at my neighbour's",
    "My colleague recommended your shop",
    "A staff member at the Portland store helped me find the size",
    "Is the size guide made for real people or models?",
    "The human touch of your packaging is lovely",
    "I'm the account manager for our office orders",
    "Can I talk about my order A1001?",
    "Your agents are always friendly, thanks",
    "I do not want to be transferred, just answer please",
    "Is customer service open on Sundays?",
    "What does the operator fee on my bill mean?",
    "Send the parcel to the person at the front desk",
    "I don't need a person, I just need the tracking link",
    "Who is the best person to contact about wholesale?",
    "We're a team of five, can we get a group discount?",
];

fn score(text: &str) -> (f32, Vec<String>) {
    let s = signals::analyze(text, &Context::new());
    for e in &s.human_request.evidence {
        assert_eq!(e.source, Source::Message, "{text:?}: {e:?}");
        assert_eq!(&text[e.start..e.end], e.text, "{text:?}");
    }
    let cues = s
        .human_request
        .evidence
        .iter()
        .map(|e| format!("{}:{:?}", e.cue, e.text))
        .collect();
    (s.human_request.score, cues)
}

#[test]
fn person_requests_are_caught_and_mentions_are_not() {
    assert!(ASKS.len() >= 40 && MENTIONS.len() >= 30);
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    for text in ASKS {
        let (s, cues) = score(text);
        if s < HANDOFF {
            missed.push(format!("{text:?} {s:.2} {cues:?}"));
        }
    }
    for text in MENTIONS {
        let (s, cues) = score(text);
        if s >= HANDOFF {
            false_alarms.push(format!("{text:?} {s:.2} {cues:?}"));
        }
    }
    let count = |n: usize| f64::from(u32::try_from(n).unwrap());
    let tp = ASKS.len() - missed.len();
    let precision = count(tp) / count((tp + false_alarms.len()).max(1));
    let recall = count(tp) / count(ASKS.len());
    eprintln!(
        "person requests: {} asks, {} mentions; precision {precision:.3}, recall {recall:.3}",
        ASKS.len(),
        MENTIONS.len()
    );
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "missed: {missed:#?}\nfalse alarms: {false_alarms:#?}"
    );
}

#[test]
fn held_out_phrasings_are_mostly_caught() {
    let missed: Vec<&str> = HELD_OUT_ASKS
        .iter()
        .copied()
        .filter(|t| score(t).0 < HANDOFF)
        .collect();
    let false_alarms: Vec<&str> = HELD_OUT_MENTIONS
        .iter()
        .copied()
        .filter(|t| score(t).0 >= HANDOFF)
        .collect();
    let count = |n: usize| f64::from(u32::try_from(n).unwrap());
    let tp = HELD_OUT_ASKS.len() - missed.len();
    let precision = count(tp) / count((tp + false_alarms.len()).max(1));
    let recall = count(tp) / count(HELD_OUT_ASKS.len());
    eprintln!(
        "held-out person requests: precision {precision:.3}, recall {recall:.3}; missed {missed:?}; false alarms {false_alarms:?}"
    );
    assert!(
        recall >= 0.8 && precision >= 0.85,
        "missed {missed:?}, false alarms {false_alarms:?}"
    );
}

#[test]
fn a_request_in_context_of_the_bot_offer_still_counts_and_negation_still_cancels() {
    let ctx = Context::new().with_bot_turn("Would you like me to connect you to a member of our team?");
    assert!(signals::analyze("yes please", &ctx).human_request.score >= HANDOFF);
    assert!(
        signals::analyze("no thanks, you answered it", &ctx)
            .human_request
            .score
            < HANDOFF
    );
    assert!(
        signals::analyze("I don't want an operator, I want my refund", &Context::new())
            .human_request
            .score
            < HANDOFF
    );
}
