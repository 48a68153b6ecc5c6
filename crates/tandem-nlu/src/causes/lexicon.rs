//! The built-in root-cause lexicon. Written by hand from general knowledge of how customers
//! describe what went wrong; the weights are the same tiers as the other lexicons of this crate
//! (`STRONG` 0.6, `CLEAR` 0.45, `MILD` 0.25, `FAINT` 0.1), read as "how likely is this cue, alone,
//! to name the cause". `other` has no cues: it is what a person picks when nothing else fits.
//!
//! Pattern syntax: see [`crate::quality::spans`] (words of one sentence; `a|b`, `pref*`, `_` any
//! word, a trailing `?` for an optional slot, `a+b` for consecutive words). Words are lower-case
//! with apostrophes and inner hyphens dropped (`doesn't` → `doesnt`, `in-store` → `instore`).

use super::Cause::{self, *};

pub(crate) const STRONG: f32 = 0.6;
pub(crate) const CLEAR: f32 = 0.45;
pub(crate) const MILD: f32 = 0.25;
pub(crate) const FAINT: f32 = 0.1;

/// One cue: pattern, the cause it points at, its weight, what the words show (said to the agent
/// as the evidence's `why`), and whether a negator just before it cancels it.
pub(crate) type Entry = (&'static str, Cause, f32, &'static str, bool);

/// Words that cancel a negatable cue when they stand up to [`NEGATION_WINDOW`] words before it in
/// the same sentence ("the app did not crash").
pub(crate) const NEGATORS: &[&str] = &[
    "not", "no", "never", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "arent", "wasnt",
    "werent", "havent", "hasnt", "couldnt", "wouldnt", "without", "nothing", "nobody", "neither", "nor",
];

/// Words looked back for a negator.
pub(crate) const NEGATION_WINDOW: usize = 3;

/// The written material that comes with a product or explains a service.
macro_rules! docs {
    () => {
        "manual|manuals|instructions|instruction|leaflet|booklet|handbook|guide|guides|article|faq|faqs|documentation|docs|label|labels|diagram|diagrams|chart"
    };
}

/// What a shop shows or writes about a product before it is bought.
macro_rules! listing {
    () => {
        "website|site|listing|ad|ads|advert|advertisement|description|page|photo|photos|picture|pictures|video|newsletter|catalogue|catalog|box|packaging|banner|promo|promotion|campaign|instagram|tv|commercial"
    };
}

/// The people who advise before a purchase.
macro_rules! seller {
    () => {
        "salesman|saleswoman|salesperson|salespeople|seller|rep|representative|advisor|adviser|consultant|assistant|employee|staff|colleague|agent|clerk|cashier|chat|store|shop|guy|lady|woman|man|girl|boy|associate|specialist|expert"
    };
}

/// A count of days or weeks, in digits or words.
macro_rules! count {
    () => {
        "#|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few|many|couple"
    };
}

pub(crate) const ENTRIES: &[Entry] = &[
    // --- documentation: instructions, manuals, care labels, help articles that are wrong or unclear ---
    (concat!(docs!(), " is|are|was|were|seems|seem so? wrong|unclear|confusing|incorrect|misleading|outdated|useless|incomplete|vague|contradictory|inaccurate|missing|impossible"), Documentation, STRONG, "Says the written instructions or explanations are wrong or unclear.", true),
    (concat!(docs!(), " say|says|said|tell|tells|told|show|shows|showed|state|states|recommend|recommends|lists|list|describes|describe"), Documentation, CLEAR, "Quotes what the written instructions say.", false),
    (concat!(docs!(), " _? doesnt|dont|didnt|does+not|do+not explain|mention|say|show|cover|match|include|tell"), Documentation, STRONG, "Says the written instructions leave something out.", false),
    (concat!(docs!(), " contradicts|contradict|skips|skip|misses|miss|lacks|lack"), Documentation, STRONG, "Says the written instructions contradict themselves or leave something out.", false),
    ("care|washing|wash label|labels|instructions|symbol|symbols|card|guide|tag", Documentation, STRONG, "Names the care label or washing instructions.", false),
    ("user|users|owners|instruction|assembly|setup|installation|install|quick+start manual|guide|booklet|instructions|sheet|leaflet", Documentation, STRONG, "Names the product's manual or setup instructions.", false),
    ("help|support centre|center|article|articles|page|pages|section", Documentation, CLEAR, "Names the help pages.", false),
    ("manual|manuals|instructions|leaflet|booklet|handbook|documentation|faq|faqs", Documentation, CLEAR, "Names the written instructions.", false),
    ("followed|follow|following|read the|your|its? instructions|manual|guide|steps|article|label", Documentation, CLEAR, "Did what the written instructions said.", false),
    ("according to the|your? instructions|manual|label|guide|faq|article", Documentation, CLEAR, "Did what the written instructions said.", false),
    ("no|unclear|confusing|missing|wrong|incorrect instructions|explanation|diagram|diagrams|manual|steps", Documentation, STRONG, "Says the instructions are missing or wrong.", false),
    ("guide|guides|instructions|manual|article|documentation|tutorial|video for|on|about installing|setting|using|assembling|connecting|pairing|how|an+older|the+old|another", Documentation, CLEAR, "Names instructions about how to do something.", false),
    ("article|guide|manual|instructions|booklet|leaflet|faq explaining|explains|describing|describes", Documentation, CLEAR, "Names instructions that explain something.", false),
    ("size chart|guide|table", Documentation, MILD, "Names the size chart.", false),
    ("makes|make|made no sense", Documentation, MILD, "Says something cannot be understood.", false),
    ("contradicts|contradictory|contradict|confusing|unclear", Documentation, FAINT, "Says something is unclear.", true),
    // --- product_promise: what the shop showed or wrote before the sale, and the product does not do ---
    (concat!(listing!(), " promised|promises|promise|claimed|claims|claim|advertised|advertises|guaranteed|guarantees"), ProductPromise, STRONG, "Says the shop's own page or ad promised it.", false),
    (concat!(listing!(), " says|said|say|states|stated|shows|showed|show|lists|listed|showing|describes|described"), ProductPromise, CLEAR, "Quotes what the shop's page or ad said.", false),
    ("advertised|advertises|advertise|advertising|marketed|described|sold+as|listed+as|billed+as|labelled+as|labeled+as|pictured", ProductPromise, CLEAR, "Says how the product was presented.", false),
    ("not|nothing+like|isnt|wasnt|arent|werent|doesnt+look|not+at+all as|what advertised|described|pictured|shown|promised|stated|listed|advertized", ProductPromise, STRONG, "Says the product is not what was presented.", false),
    ("false|misleading|deceptive|dishonest advertising|advert|ad|ads|description|claims|claim|marketing|photos|pictures|listing", ProductPromise, STRONG, "Calls the presentation misleading.", false),
    (concat!("in|on the|your ", listing!()), ProductPromise, MILD, "Refers to the shop's page or ad.", false),
    ("in+real+life|in+reality|in+person|irl", ProductPromise, MILD, "Compares the product with how it was shown.", false),
    ("not|isnt|arent|wasnt|werent|hardly|barely waterproof|breathable|warm|washable|nonstick|compatible|genuine|real|resistant|cotton|leather|wool", ProductPromise, MILD, "Says the product lacks a property it was sold with.", false),
    ("promised|promises|claimed|claims|supposed+to+be|supposed+to", ProductPromise, MILD, "Says something was promised.", false),
    ("that|thats|this|it|its is? not what i|we paid|ordered|expected|was+promised", ProductPromise, CLEAR, "Says the product is not what was paid for.", false),
    ("waterproof|breathable|nonstick|stain+resistant|water+resistant|noise+cancelling|swim+proof|odour+free|lifetime+guarantee", ProductPromise, FAINT, "Names a property products are sold with.", false),
    // --- sales_advice: a person told the customer something wrong before the purchase ---
    (concat!(seller!(), " _? _? _? told|said|assured|promised|recommended|advised|insisted|suggested|confirmed|claimed|guaranteed|reassured|swore"), SalesAdvice, STRONG, "Says a person of the shop advised them.", false),
    ("salesman|saleswoman|salesperson|salespeople|sales+rep|sales+assistant|sales+team|sales+advisor|shop+assistant|store+assistant|sales+staff|sales+consultant", SalesAdvice, CLEAR, "Names a salesperson.", false),
    ("i|we? was|were told|advised|assured|promised|recommended|reassured", SalesAdvice, MILD, "Says they were told something.", false),
    ("they|he|she|you told|assured|promised|recommended|advised me|us", SalesAdvice, MILD, "Says they were told something.", false),
    ("he|she said|told|assured|promised|insisted|swore", SalesAdvice, MILD, "Says someone told them something.", false),
    ("before i|we? buying|ordering|purchasing|bought|ordered|purchased|paying|paid|the+purchase|i+bought|i+ordered|i+paid|we+bought|we+ordered", SalesAdvice, CLEAR, "Refers to advice before the purchase.", false),
    ("i|we? specifically|explicitly|even|also|first? asked|called|phoned|rang|contacted|checked+with|emailed on|in|at|with|by? the|your|a|an? chat|livechat|live+chat|store|shop|agent|staff|sales|advisor|assistant|seller|team|employee|salesperson|phone|customer", SalesAdvice, MILD, "Asked the shop before deciding.", false),
    ("asked|checked whether|if|about", SalesAdvice, FAINT, "Asked before deciding.", false),
    ("recommended|advised|assured|insisted|reassured", SalesAdvice, MILD, "Says someone advised them.", false),
    // --- technical_defect: the app, site or checkout crashes, errors, broken features ---
    ("crash|crashes|crashed|crashing|freezes|froze|frozen|hangs|glitch|glitches|glitching|glitchy|buggy", TechnicalDefect, STRONG, "Says the software crashes or freezes.", true),
    ("error|errors", TechnicalDefect, CLEAR, "Reports an error message.", true),
    ("error|code # ", TechnicalDefect, STRONG, "Quotes an error code.", false),
    ("404|500|502|503|504", TechnicalDefect, MILD, "Quotes what looks like an error code.", false),
    ("bad+gateway|not+found|server+error|internal+server|something+went+wrong|went+wrong|try+again+later|javascript|timeout|timed+out|times+out", TechnicalDefect, STRONG, "Quotes a failure of the site or app.", false),
    ("button|link|page|field|filter|search|form|checkout|basket|cart|app|site|website|login|menu|popup|window|box|checker|bar|portal|tracker _? _? doesnt|does+not|didnt|wont|isnt|is+not|cant|cannot|never|not work|works|working|load|loads|loading|respond|open|close|save|submit|show|accept|let", TechnicalDefect, STRONG, "Says a part of the site or app does not work.", false),
    ("app|website|site|page|checkout|server|system|portal|link|button is|keeps|keep|was? crashing|down|broken|buggy|not+loading|frozen|stuck|dead|blank", TechnicalDefect, CLEAR, "Says the site or app is broken.", false),
    ("blank|white|empty|black screen|page", TechnicalDefect, STRONG, "Describes a blank screen.", false),
    ("spins|spinning|loading|loads forever|endlessly|nonstop", TechnicalDefect, STRONG, "Describes a page that never finishes loading.", false),
    ("keeps|kept logging|kicking|throwing|signing|booting me? out", TechnicalDefect, STRONG, "Says the site logs them out.", false),
    ("button|link|field|filter|search|form|checkout|menu|app|site|page does|do|did nothing", TechnicalDefect, STRONG, "Says a control of the site or app does nothing.", false),
    ("checkout|site|app|website|page|system|form|field|payment+page rejects|rejected|refuses|refused|declines|declined|wont+accept|doesnt+accept|does+not+accept|wont+take|doesnt+take", TechnicalDefect, CLEAR, "Says the site or app refuses valid input.", false),
    ("file|files|attachment|photo|image|picture too+large|too+big|not+supported|rejected|fails|failed", TechnicalDefect, CLEAR, "Says an upload fails.", false),
    ("upload|uploading|uploaded|not+supported|unsupported", TechnicalDefect, MILD, "Names an upload or an unsupported input.", false),
    ("resets|reverts|jumps|goes+back|changes+back itself|to", TechnicalDefect, CLEAR, "Says the site or app undoes what they entered.", false),
    ("greyed|grayed out", TechnicalDefect, CLEAR, "Describes a disabled control.", false),
    ("cant|cannot|unable+to|not+able+to|couldnt log+in|login|sign+in|pay|checkout|check+out|upload|reset|save|place|update|load|open|access|enter", TechnicalDefect, CLEAR, "Says an action on the site or app fails.", false),
    ("doesnt|dont|didnt|does+not|wont|isnt not? work|working", TechnicalDefect, MILD, "Says something does not work.", false),
    ("broken|bug|bugs|reinstalled|reinstall|refresh|refreshed|browser|cookies|cache", TechnicalDefect, MILD, "Names a software problem or fix.", false),
    ("app|website|site|checkout|basket|cart|login|button|android|ios|iphone|chrome|safari|firefox|popup|screen", TechnicalDefect, FAINT, "Names the site or app.", false),
    // --- process: the company's procedures: slow refunds, waiting, being passed around, policies ---
    ("still no|not refund|answer|reply|response|update|news|money|word|call", Process, STRONG, "Says they are still waiting.", false),
    ("still waiting|waiting+for|waited|waiting+on|been+waiting", Process, CLEAR, "Says they are waiting.", false),
    ("waiting", Process, MILD, "Says they are waiting.", false),
    ("no|never answer|reply|response|callback|call+back|feedback|refund|update", Process, CLEAR, "Says nobody answered.", false),
    ("nobody|no+one|noone|none+of+you can|could|will|would|ever|has|is? help|helps|helped|answer|answers|answered|tell|call|called|reply|replied|respond|responded|get+back|got+back|explain|explains|did|does|knows", Process, STRONG, "Says nobody helps or answers.", false),
    ("transferred|passed+around|passed+on|passed+from|bounced|pushed+back|back+and+forth|sends+me+back|send+me+back|sent+me+back|redirected|runaround|run+around|ping+pong", Process, STRONG, "Says they are passed around.", false),
    ("another|different|other department|person|agent|team|desk", Process, CLEAR, "Says they are sent from one person to another.", false),
    ("explain|repeat|tell everything|it|myself|my+story again|over|from+the+start", Process, CLEAR, "Says they have to repeat themselves.", false),
    ("call|ring|get|got|come me? back", Process, MILD, "Waits for a call back.", false),
    (concat!(count!(), " day|days|week|weeks|month|months|hours ago|later|now|already"), Process, CLEAR, "Says how long it has been.", false),
    (concat!("been|over|almost|nearly ", count!(), " day|days|week|weeks|month|months|hours"), Process, CLEAR, "Says how long it has been.", false),
    (concat!("for|after ", count!(), " day|days|week|weeks|month|months|minutes|hours"), Process, MILD, "Says how long it has been.", false),
    ("on hold", Process, CLEAR, "Was kept on hold.", false),
    ("refund|refunds|refunded|reimbursement", Process, MILD, "Is about a refund.", false),
    ("where|wheres is my|the refund|money", Process, CLEAR, "Asks where their money is.", false),
    ("how+long|why does|do|will|should|is this|it|the|a|my? refund|return|exchange|claim|process|complaint? take|takes|taking", Process, CLEAR, "Asks why it takes so long.", false),
    ("take|takes|taking|took so? long|ages|weeks|days|months", Process, CLEAR, "Says it takes too long.", false),
    ("policy|policies|rule|rules|procedure|procedures|terms|requirement|requirements", Process, MILD, "Names the company's rules.", false),
    ("exception|exceptions|bureaucracy|bureaucratic|paperwork|red+tape", Process, CLEAR, "Pushes against a rule or procedure.", false),
    ("why do|must|should i|we have+to|need+to|must", Process, CLEAR, "Questions what they are made to do.", false),
    ("i|we have+to|need+to|must _? by|in post|writing|letter|person", Process, CLEAR, "Is made to go through a procedure.", false),
    ("at my|our own? cost|expense", Process, CLEAR, "Is made to pay for the company's procedure.", false),
    ("restocking|handling|admin|administration|return|returns fee|fees|charge", Process, CLEAR, "Names a fee of the procedure.", false),
    ("ticket|complaint|case|claim|request is|was? still? closed|pending|open|under+review|unanswered|ignored", Process, STRONG, "Says the case is not moving.", false),
    ("closed|ignored|ignoring my|the ticket|case|complaint|request|emails|messages", Process, STRONG, "Says the case was closed or ignored.", false),
    ("stuck in|on processing|pending|review|limbo", Process, CLEAR, "Says the order or case is stuck.", false),
    ("where|who do|should|can|am i|we go|turn|ask|write|supposed", Process, CLEAR, "Does not know where to turn.", false),
    ("i|we still get|receive|have|see|am+getting|am+receiving", Process, MILD, "Says something goes on that should have stopped.", false),
    ("approval|approve|manager|supervisor|escalate|escalated", Process, MILD, "Names an approval step.", false),
    ("not|isnt my|our|their problem|responsibility|job", Process, CLEAR, "Was told it is nobody's responsibility.", false),
    ("every|each time|agent|person|call|email", Process, MILD, "Says it happens every time.", false),
];
