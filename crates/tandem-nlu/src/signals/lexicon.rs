//! The built-in lexicons. Written by hand from general knowledge of how customers and bots talk
//! (no data set was used to build or weight them; see the module documentation of `signals` for
//! how the weights were chosen).
//!
//! Pattern syntax: see [`super::pattern`]. Weights are tiers, not fitted numbers:
//! `STRONG` 0.6, `CLEAR` 0.45, `MILD` 0.25, `FAINT` 0.1 for raising cues; damping cues give the share
//! of the score they remove.

/// Which signal a cue feeds, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feeds {
    /// Raises frustration.
    Frustration,
    /// Lowers frustration (satisfaction, thanks, agreement).
    Calm,
    /// Raises the wish for a person.
    Human,
    /// Mentions a person without asking for one ("I was speaking to an agent"): a request for a
    /// person that overlaps it does not count.
    NotHuman,
    /// Raises urgency.
    Urgency,
    /// Lowers urgency ("no rush").
    Patient,
    /// Raises abuse / threat (and, scaled down, frustration).
    Abuse,
    /// In a bot turn: the bot failed, apologised or did not understand.
    BotFailure,
    /// In a bot turn: the bot offered a person.
    BotOffersPerson,
    /// In a bot turn: the bot proposed something or asked a yes/no question about an option.
    BotProposes,
    /// In a bot turn: the bot asked the customer to confirm details it understood.
    BotConfirms,
    /// In a bot turn: the bot asked whether there is anything else (a "no" then means "done").
    BotCloses,
    /// In a bot turn: the bot asked about a preference (a "no" then means "no preference").
    BotAsksPreference,
}

/// One lexicon entry's meaning.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cue {
    pub feeds: Feeds,
    /// Stable snake_case name shown as evidence.
    pub name: &'static str,
    pub weight: f32,
    /// A negator just before the match ("not", "don't", "no", "never", "without") cancels it.
    pub negatable: bool,
}

pub(crate) const STRONG: f32 = 0.6;
pub(crate) const CLEAR: f32 = 0.45;
pub(crate) const MILD: f32 = 0.25;
pub(crate) const FAINT: f32 = 0.1;

pub(crate) type Entry = (&'static str, Feeds, &'static str, f32, bool);

use Feeds::*;

/// Words that negate what follows them within the same clause.
pub(crate) const NEGATORS: &[&str] = &[
    "not", "no", "never", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "arent", "wasnt",
    "werent", "havent", "hasnt", "hadnt", "couldnt", "wouldnt", "shouldnt", "without", "nothing", "neither",
    "nor", "nobody", "hardly", "barely",
];

/// Words that do not make two messages "the same request".
pub(crate) const STOPWORDS: &[&str] = &[
    "a", "an", "the", "i", "im", "ive", "id", "ill", "me", "my", "mine", "you", "your", "youre", "we", "our",
    "us", "it", "its", "this", "that", "thats", "these", "those", "is", "are", "was", "were", "be", "been",
    "am", "do", "does", "did", "have", "has", "had", "to", "of", "in", "on", "at", "for", "with", "and",
    "or", "but", "so", "if", "then", "than", "as", "by", "from", "about", "can", "could", "would", "will",
    "should", "please", "pls", "hi", "hello", "hey", "ok", "okay", "yes", "yeah", "just", "what", "how",
    "when", "where", "which", "who", "there", "here", "some", "any", "all", "also", "too", "very", "really",
    "want", "like", "need", "get", "know", "thanks", "thank", "oh", "well", "one",
];

/// The nouns that name a person on the business's side.
macro_rules! person {
    () => {
        "human|humans|person|agent|agents|representative|representatives|rep|operator|manager|supervisor|employee|staff|advisor|adviser|consultant"
    };
}

pub(crate) const MESSAGE: &[Entry] = &[
    // --- frustration: explicit emotion and judgement of the service (STRONG) ---
    ("frustrat*", Frustration, "frustration_word", STRONG, true),
    ("annoy*", Frustration, "frustration_word", STRONG, true),
    ("angry|furious|livid|irate|outraged|infuriating|infuriated|exasperated|exasperating", Frustration, "frustration_word", STRONG, true),
    ("irritat*", Frustration, "frustration_word", STRONG, true),
    ("fed up", Frustration, "frustration_word", STRONG, true),
    ("sick|tired of", Frustration, "frustration_word", STRONG, true),
    ("sick and tired", Frustration, "frustration_word", STRONG, true),
    ("had enough", Frustration, "frustration_word", STRONG, true),
    ("enough is enough", Frustration, "frustration_word", STRONG, false),
    ("lost|losing my patience", Frustration, "frustration_word", STRONG, false),
    ("pissed", Frustration, "frustration_word", STRONG, true),
    ("mad at", Frustration, "frustration_word", STRONG, true),
    ("ridiculous|absurd|unbelievable|unacceptable|outrageous|insane", Frustration, "judgement_word", STRONG, true),
    ("useless|pointless|hopeless|worthless|pathetic|incompetent|clueless", Frustration, "judgement_word", STRONG, true),
    ("terrible|awful|horrible|horrendous|dreadful|atrocious|appalling|disgusting|disgraceful|shameful", Frustration, "judgement_word", STRONG, true),
    ("worst", Frustration, "judgement_word", STRONG, false),
    ("disappoint*", Frustration, "disappointment", STRONG, true),
    ("unhappy|dissatisfied|unsatisfied|upset", Frustration, "disappointment", STRONG, true),
    ("not happy|satisfied|pleased|impressed", Frustration, "disappointment", STRONG, false),
    ("hate", Frustration, "judgement_word", STRONG, true),
    ("waste|wasting|wasted of? my|your|our? time", Frustration, "wasted_time", STRONG, true),
    ("is|s|what|such a joke", Frustration, "judgement_word", CLEAR, true),
    ("a total|complete|absolute|bad|sick joke", Frustration, "judgement_word", CLEAR, true),
    ("ugh|ughh|ugh*|argh*|grr*|sigh|smh|jeez|geez", Frustration, "exasperation", STRONG, false),
    ("come on", Frustration, "exasperation", CLEAR, false),
    ("seriously", Frustration, "exasperation", CLEAR, false),
    ("are you kidding|joking", Frustration, "exasperation", STRONG, false),
    ("you kidding|joking me", Frustration, "exasperation", STRONG, false),
    ("what the hell|heck|fuck", Frustration, "exasperation", STRONG, false),
    ("for gods|heavens|petes|christs sake", Frustration, "exasperation", STRONG, false),
    ("oh my god|gosh", Frustration, "exasperation", MILD, false),
    ("nonsense|rubbish", Frustration, "judgement_word", STRONG, true),
    ("makes|make no sense", Frustration, "judgement_word", CLEAR, false),
    ("doesnt|didnt|dont make any? sense", Frustration, "judgement_word", CLEAR, false),
    ("does|did|do not make any? sense", Frustration, "judgement_word", CLEAR, false),
    ("not|never helpful|helping", Frustration, "unhelpful", STRONG, false),
    ("unhelpful", Frustration, "unhelpful", STRONG, true),
    ("no help", Frustration, "unhelpful", STRONG, false),
    ("doesnt|didnt|wont help|helping|helped", Frustration, "unhelpful", STRONG, false),
    ("does|did|will not help|helping|helped", Frustration, "unhelpful", STRONG, false),
    ("not good enough", Frustration, "judgement_word", STRONG, false),
    // --- frustration: the system misunderstood, was wrong or repeats itself (CLEAR) ---
    ("not what i|we asked|said|meant|wanted|want|requested|need|needed|ordered|mean|was|am|looking", Frustration, "correction", CLEAR, false),
    ("i said|asked|wrote|mentioned|specified", Frustration, "restated_request", CLEAR, true),
    ("like|as i said|mentioned|told|explained|wrote|stated", Frustration, "restated_request", CLEAR, false),
    ("i already|just said|told|asked|explained|gave|mentioned|answered|provided|did", Frustration, "restated_request", CLEAR, false),
    ("already told|said|asked|explained|gave|answered", Frustration, "restated_request", CLEAR, false),
    ("i told you", Frustration, "restated_request", CLEAR, true),
    ("i meant", Frustration, "correction", CLEAR, false),
    ("i didnt|never ask|asked|say|said|request|requested|order|ordered|mean", Frustration, "correction", CLEAR, false),
    ("i did not ask|say|request|order|mean", Frustration, "correction", CLEAR, false),
    ("you dont|didnt|cant|cannot|never|wont understand|get|listen|read|answer|help", Frustration, "not_understood", STRONG, false),
    ("you do|did|can|will not understand|get|listen|read|answer|help", Frustration, "not_understood", STRONG, false),
    ("you misunderstood|misunderstand|misread|misheard", Frustration, "not_understood", STRONG, false),
    ("not listening|reading", Frustration, "not_understood", STRONG, false),
    ("listen to me", Frustration, "not_understood", CLEAR, false),
    ("read my message|question", Frustration, "not_understood", CLEAR, false),
    ("answer my question", Frustration, "not_understood", CLEAR, false),
    ("doesnt|didnt|dont answer|address", Frustration, "not_understood", CLEAR, false),
    ("does|did|do not answer|address", Frustration, "not_understood", CLEAR, false),
    ("wrong|incorrect|inaccurate|mistaken|mistake|mistakes", Frustration, "wrong", CLEAR, true),
    ("not|isnt right|correct|accurate|true", Frustration, "wrong", CLEAR, false),
    ("thats|its not it", Frustration, "wrong", CLEAR, false),
    ("no no", Frustration, "correction", CLEAR, false),
    ("nevermind|nvm", Frustration, "giving_up", CLEAR, false),
    ("never mind", Frustration, "giving_up", CLEAR, false),
    ("forget it|that|about", Frustration, "giving_up", CLEAR, false),
    ("i give up", Frustration, "giving_up", STRONG, false),
    ("doesnt|didnt|isnt|wasnt|wont|not work|working|works|worked", Frustration, "not_working", CLEAR, false),
    ("does|did|is|was|will not work|working|works|worked", Frustration, "not_working", CLEAR, false),
    ("still no|not|nothing|doesnt|dont|didnt|cant|wrong|waiting|havent|hasnt", Frustration, "still", CLEAR, false),
    ("how many times", Frustration, "asked_many_times", STRONG, false),
    ("how many more times", Frustration, "asked_many_times", STRONG, false),
    ("again and again", Frustration, "asked_many_times", STRONG, false),
    ("over and over", Frustration, "asked_many_times", STRONG, false),
    ("once again", Frustration, "asked_many_times", MILD, false),
    ("for the last|second|third|fourth|fifth|hundredth|nth|umpteenth time", Frustration, "asked_many_times", STRONG, false),
    ("is|its the|my second|third|fourth|fifth|hundredth|nth|umpteenth time", Frustration, "asked_many_times", CLEAR, false),
    ("third|fourth|fifth|hundredth|nth|umpteenth time", Frustration, "asked_many_times", MILD, false),
    ("keep|keeps|kept asking|saying|telling|repeating|sending|giving|showing|suggesting|recommending", Frustration, "repetition_complaint", CLEAR, false),
    ("same thing|question|answer|message|reply|response|again|one|movie|film|options|results", Frustration, "repetition_complaint", MILD, false),
    ("in circles", Frustration, "repetition_complaint", STRONG, false),
    ("repeat|repeating myself", Frustration, "repetition_complaint", STRONG, false),
    ("you already|just asked|said|told|suggested|recommended|showed|mentioned", Frustration, "repetition_complaint", CLEAR, false),
    ("why cant|wont|dont|cannot you", Frustration, "exasperation", CLEAR, false),
    ("why is it so|this hard|difficult|complicated", Frustration, "exasperation", CLEAR, false),
    ("are|do you even", Frustration, "exasperation", CLEAR, false),
    ("stupid|dumb|useless bot|robot|machine|system|app|website|site|chatbot", Frustration, "judgement_word", STRONG, false),
    ("confus*", Frustration, "confusion", MILD, true),
    ("unclear", Frustration, "confusion", MILD, true),
    ("what do you mean", Frustration, "confusion", MILD, false),
    ("huh|wut|wat", Frustration, "confusion", MILD, false),
    ("i dont understand|get", Frustration, "confusion", MILD, false),
    ("i do not understand|get", Frustration, "confusion", MILD, false),
    ("that|this|it doesnt|didnt|wont|cant help|helps|fit|fits", Frustration, "rejection", MILD, false),
    // --- frustration: mild dissatisfaction, rejection, dislike (MILD, FAINT) ---
    ("dont|didnt|doesnt really|quite|particularly|even|much? like|love|enjoy", Frustration, "dislike", MILD, false),
    ("do|did|does not really|quite|particularly|even|much? like|love|enjoy", Frustration, "dislike", MILD, false),
    ("dont|didnt|doesnt want|care", Frustration, "dislike", FAINT, false),
    ("do|did|does not want|care", Frustration, "dislike", FAINT, false),
    ("not a fan", Frustration, "dislike", MILD, false),
    ("not really|exactly|quite|interested|into", Frustration, "dislike", MILD, false),
    ("not for me", Frustration, "dislike", MILD, false),
    ("not my thing|style|taste|type|cup", Frustration, "dislike", MILD, false),
    ("dislike|dislikes|disliked", Frustration, "dislike", MILD, true),
    ("boring|bored|dull|lame|meh|overrated", Frustration, "dislike", MILD, true),
    ("bad|poor|poorly|worse|crappy", Frustration, "negative_word", MILD, true),
    ("not good|great|ideal|helpful|useful|acceptable|ok|okay|fine|enough|possible", Frustration, "negative_word", MILD, false),
    ("too expensive|pricey|far|long|late|slow|complicated|difficult|hard", Frustration, "negative_word", MILD, false),
    ("expensive|overpriced", Frustration, "negative_word", MILD, true),
    ("problem|problems|issue|issues|trouble", Frustration, "problem", MILD, true),
    ("complain*", Frustration, "complaint", CLEAR, true),
    ("charged|billed|debited twice|double|again", Frustration, "payment_problem", MILD, true),
    ("charged|billed|debited two|2|three|3 times", Frustration, "payment_problem", MILD, true),
    ("double charged|charge|billed|billing|debited", Frustration, "payment_problem", MILD, true),
    ("overcharged|overcharge|overbilled", Frustration, "payment_problem", MILD, true),
    ("payment|payments|card|transaction was|is|has|got|keeps|keep? been|getting|being? failed|failing|declined|bounced|rejected|refused", Frustration, "payment_problem", MILD, true),
    ("payment|card|transaction didnt|wont|doesnt go through", Frustration, "payment_problem", MILD, false),
    ("cancel*|refund", Frustration, "cancel_or_refund", MILD, true),
    ("seen|watched it|that|this|those|them|both|all", Frustration, "already_known", MILD, true),
    ("already seen|watched|have|had|know|did|tried|done|booked|ordered|paid", Frustration, "already_known", MILD, false),
    ("but|however|actually|instead|rather|still|again|already|anyway|anyways|only", Frustration, "contrast_marker", FAINT, false),
    ("something|somewhere|someone else", Frustration, "asks_for_alternative", MILD, false),
    ("try|search|look|check|find|do|searching|looking|checking it|that|this? again", Frustration, "asked_to_retry", CLEAR, false),
    ("try|search|look|check once|one more", Frustration, "asked_to_retry", CLEAR, false),
    ("you|u|anyone|anybody|somebody|someone still? there|here|around|online|awake", Frustration, "still_there_check", STRONG, false),
    ("you|u still with me|us", Frustration, "still_there_check", STRONG, false),
    ("made|make|making a mess", Frustration, "judgement_word", CLEAR, false),
    ("messed|screwed up", Frustration, "judgement_word", CLEAR, false),
    ("another|other|different|alternative one|ones|option|options|suggestion|suggestions|choice|choices|idea|ideas|alternative|alternatives", Frustration, "asks_for_alternative", MILD, true),
    // --- calm: satisfaction, thanks and agreement lower the frustration score ---
    ("thanks|thank|thx|thankyou|ty|cheers|appreciate*|grateful", Calm, "thanks", 0.5, true),
    ("perfect|great|awesome|excellent|wonderful|fantastic|amazing|brilliant|superb|lovely|terrific|splendid", Calm, "praise", 0.45, true),
    ("love|loved|enjoy|enjoyed|glad|happy|pleased|delighted|satisfied", Calm, "praise", 0.35, true),
    ("helpful|useful|exactly", Calm, "praise", 0.35, true),
    ("sounds good|great|perfect|nice|fine|ok|okay|interesting|fun", Calm, "agreement", 0.4, true),
    ("that|this|it works", Calm, "agreement", 0.4, true),
    ("good|nice|cool|fine|neat|interesting|fun", Calm, "agreement", 0.25, true),
    ("ok|okay|sure|yes|yeah|yep|yup|yea|alright|absolutely|definitely|certainly|right|correct", Calm, "agreement", 0.15, true),
    ("thats all", Calm, "closing", 0.2, false),
    ("that is all", Calm, "closing", 0.2, false),
    ("no rush|hurry|worries|problem|pressure", Calm, "reassurance", 0.3, false),
    // --- wish for a person: see `person.rs` ---
    // --- urgency ---
    ("urgent*|emergency|asap|immediately|critical", Urgency, "urgent_word", 0.7, true),
    ("as soon as possible", Urgency, "urgent_word", 0.7, false),
    ("as soon as you can", Urgency, "urgent_word", 0.6, false),
    ("right now|away", Urgency, "right_now", 0.6, true),
    ("at once", Urgency, "right_now", 0.5, true),
    ("time sensitive|critical", Urgency, "urgent_word", 0.7, true),
    ("cant|cannot wait", Urgency, "cannot_wait", 0.4, false),
    ("life or|and death", Urgency, "urgent_word", 0.8, false),
    ("hurry|quickly|promptly", Urgency, "hurry", CLEAR, true),
    ("quick|fast|soon|sooner", Urgency, "hurry", MILD, true),
    ("deadline|overdue|expir*", Urgency, "deadline", CLEAR, true),
    ("today|tonight", Urgency, "deadline", MILD, true),
    ("tomorrow", Urgency, "deadline", FAINT, true),
    ("this morning|afternoon|evening", Urgency, "deadline", MILD, true),
    ("by the? end of day|today|the", Urgency, "deadline", CLEAR, true),
    ("within the? hour|hours|minutes", Urgency, "deadline", CLEAR, true),
    ("last|final day|chance|notice|reminder", Urgency, "deadline", CLEAR, false),
    ("still waiting", Urgency, "long_wait", CLEAR, false),
    ("been waiting|waited", Urgency, "long_wait", CLEAR, false),
    ("for days|weeks|months|ages|hours", Urgency, "long_wait", MILD, false),
    ("locked out", Urgency, "security_incident", 0.6, true),
    ("stolen|fraud|fraudulent|hacked|scam|scammed|unauthori*|compromised", Urgency, "security_incident", 0.6, true),
    ("cant|cannot access|login|log|pay|work|use", Urgency, "blocked", MILD, false),
    ("not urgent|pressing", Patient, "not_urgent", 0.6, false),
    ("no rush|hurry|pressure", Patient, "not_urgent", 0.6, false),
    ("take your time", Patient, "not_urgent", 0.6, false),
    ("whenever|eventually|someday", Patient, "not_urgent", 0.4, false),
    ("when you get a chance", Patient, "not_urgent", 0.5, false),
    // --- abuse and threats ---
    ("fuck*|motherfuck*|shit|shitty|bullshit|crap|damn|dammit|goddamn|bloody|piss|wtf|ffs|stfu", Abuse, "profanity", 0.5, false),
    ("idiot|idiots|idiotic|stupid|moron|morons|moronic|dumb|imbecile|retard*|cretin|bastard*|bitch*|asshole*|arsehole*|dickhead*|jerk|jerks|loser|losers|scumbag*|twat|cunt*|wanker*|prick", Abuse, "insult", 0.8, true),
    ("you suck|stink", Abuse, "insult", 0.8, false),
    ("piece of shit|crap|junk|garbage|trash", Abuse, "insult", 0.8, false),
    ("shut up", Abuse, "insult", 0.7, true),
    ("screw|fuck|damn you|this|off", Abuse, "insult", 0.8, false),
    ("go to hell", Abuse, "insult", 0.8, false),
    ("kill|hurt|harm|shoot|stab|beat|punch|strangle|murder|attack you|them|him|her|everyone|someone|somebody", Abuse, "threat_violence", 0.95, true),
    ("know|find where you live|work|sleep", Abuse, "threat_violence", 0.9, true),
    ("gonna|will|ill find you", Abuse, "threat_violence", 0.8, true),
    ("bomb|explosive|explosives|gun|guns", Abuse, "threat_violence", 0.6, true),
    ("burn down", Abuse, "threat_violence", 0.9, true),
    ("blow up the|your|this place|office|store|building|shop", Abuse, "threat_violence", 0.9, true),
    ("watch your back", Abuse, "threat_violence", 0.9, false),
    ("regret this|it|that", Abuse, "threat_violence", 0.6, true),
    ("pay for this|that", Abuse, "threat_violence", 0.6, true),
    ("sue|suing|lawsuit|lawyer|lawyers|attorney|attorneys|solicitor|litigation", Abuse, "threat_legal", 0.55, true),
    ("legal action|proceedings|steps", Abuse, "threat_legal", 0.55, true),
    ("take you|this|it to court", Abuse, "threat_legal", 0.55, true),
    ("report you|this|it|them to the? police|authorities|regulator|ombudsman|bbb|fca|ftc|press|media", Abuse, "threat_report", 0.45, true),
    ("report you|them", Abuse, "threat_report", 0.45, true),
    ("ombudsman|regulator", Abuse, "threat_report", 0.45, true),
    ("better business bureau", Abuse, "threat_report", 0.45, true),
    ("trading standards", Abuse, "threat_report", 0.45, true),
    ("go|going to the press|media|papers|newspapers", Abuse, "threat_report", 0.45, true),
    ("bad|negative review|reviews|rating", Abuse, "threat_review", 0.3, true),
    ("1|one star|stars", Abuse, "threat_review", 0.3, true),
];

/// Cues read in the bot's turns.
pub(crate) const BOT: &[Entry] = &[
    // Did not understand, asked the customer to say it again (CLEAR).
    ("didnt|dont|couldnt understand|catch|follow|recognize|recognise", BotFailure, "bot_not_understood", CLEAR, false),
    ("did|do|could not understand|catch|follow|recognize|recognise", BotFailure, "bot_not_understood", CLEAR, false),
    ("didnt|dont get that|it|you", BotFailure, "bot_not_understood", CLEAR, false),
    ("not sure what you|i mean|meant|are|want|need|asking|looking", BotFailure, "bot_not_understood", CLEAR, false),
    ("not sure i understand|understood|follow|get", BotFailure, "bot_not_understood", CLEAR, false),
    ("could|can|would|will you please? rephrase|repeat|clarify|restate|reword", BotFailure, "bot_asks_again", CLEAR, false),
    ("please rephrase|repeat|clarify|restate|reword", BotFailure, "bot_asks_again", CLEAR, false),
    ("say that|it again", BotFailure, "bot_asks_again", CLEAR, false),
    ("one more time", BotFailure, "bot_asks_again", CLEAR, false),
    ("try again", BotFailure, "bot_asks_again", CLEAR, false),
    ("missed that", BotFailure, "bot_asks_again", CLEAR, false),
    ("what do you mean", BotFailure, "bot_not_understood", CLEAR, false),
    ("i dont follow", BotFailure, "bot_not_understood", CLEAR, false),
    ("i do not follow", BotFailure, "bot_not_understood", CLEAR, false),
    // Could not do it, found nothing, failed (MILD to CLEAR).
    ("couldnt|cant|cannot|unable|wasnt|werent|not able? to? find|locate|retrieve|access|book|reserve|complete|process|place|schedule|confirm|help|handle|answer|assist|change|cancel|add|make|do|get", BotFailure, "bot_could_not", CLEAR, false),
    ("couldnt|cant|cannot|unable", BotFailure, "bot_could_not", MILD, false),
    ("no results|matches|match|options|records|record|availability|information|info|data|slots|flights|tickets|events|restaurants|movies|songs|hotels|trains|buses|rooms|cars|appointments|houses|attractions|doctors|dentists|stylists", BotFailure, "bot_found_nothing", CLEAR, false),
    ("nothing found|matches|available|matching|came", BotFailure, "bot_found_nothing", CLEAR, false),
    ("didnt|couldnt find|return|turn|match", BotFailure, "bot_found_nothing", CLEAR, false),
    ("did|could not find|return|turn|match", BotFailure, "bot_found_nothing", CLEAR, false),
    ("there are|is|were|was|seem|seems to? be? no|none|nothing", BotFailure, "bot_found_nothing", CLEAR, false),
    ("there arent|isnt|werent|wasnt any?", BotFailure, "bot_found_nothing", CLEAR, false),
    ("not|isnt|arent|wasnt|werent found|available|possible|supported|open", BotFailure, "bot_unavailable", MILD, false),
    ("no longer available|possible|supported|open|offered", BotFailure, "bot_unavailable", MILD, false),
    ("not in stock", BotFailure, "bot_unavailable", MILD, false),
    ("not an option", BotFailure, "bot_unavailable", MILD, false),
    ("unavailable|impossible|unsupported", BotFailure, "bot_unavailable", MILD, false),
    ("fully|all booked|sold|taken|reserved", BotFailure, "bot_unavailable", MILD, false),
    ("sold out", BotFailure, "bot_unavailable", MILD, false),
    ("failed|fail|fails|failure|error|errors|glitch|bug|malfunction", BotFailure, "bot_error", CLEAR, true),
    ("went|gone|going wrong", BotFailure, "bot_error", CLEAR, false),
    ("technical difficulties|problem|problems|issue|issues", BotFailure, "bot_error", CLEAR, true),
    ("problem|problems|issue|issues", BotFailure, "bot_error", MILD, true),
    ("i dont know", BotFailure, "bot_does_not_know", CLEAR, false),
    ("i do not know", BotFailure, "bot_does_not_know", CLEAR, false),
    ("i have no idea", BotFailure, "bot_does_not_know", CLEAR, false),
    ("i cant|cannot say|tell", BotFailure, "bot_does_not_know", CLEAR, false),
    ("not sure|certain", BotFailure, "bot_does_not_know", MILD, false),
    ("i can only", BotFailure, "bot_limited", MILD, false),
    ("i only", BotFailure, "bot_limited", MILD, false),
    ("outside|beyond my|the scope|capabilities|abilities", BotFailure, "bot_limited", MILD, false),
    ("im just|only a bot|robot|machine|program", BotFailure, "bot_limited", MILD, false),
    ("i am just|only a bot|robot|machine|program", BotFailure, "bot_limited", MILD, false),
    // Apologies (MILD): the bot itself signals that something did not go as wished.
    ("sorry|apologies|apologize|apologise|apologizing|apologising|oops|whoops", BotFailure, "bot_apology", MILD, false),
    ("unfortunately|regrettably|sadly|alas", BotFailure, "bot_apology", MILD, false),
    ("im afraid", BotFailure, "bot_apology", MILD, false),
    ("i am afraid", BotFailure, "bot_apology", MILD, false),
    // Offers of a person.
    (concat!("talk|speak|chat|connect|transfer|put|pass|forward|hand _? _? to|with|through a|an|the|one? of? our|the|your? real|live|human? ", person!(), "|someone|somebody|colleague|colleagues|team|member|members"), BotOffersPerson, "bot_offered_person", 0.8, false),
    (concat!("a|an real|live|human ", person!(), "|colleague"), BotOffersPerson, "bot_offered_person", 0.8, false),
];

/// Cues in the bot's last turn that tell what kind of answer it asked for (weights unused).
pub(crate) const BOT_ASKS: &[Entry] = &[
    ("would|do|did you like|want|prefer|enjoy", BotProposes, "bot_proposed", 0.0, false),
    ("would|will|do you be interested|care", BotProposes, "bot_proposed", 0.0, false),
    ("shall|should|can|may|could i|we", BotProposes, "bot_proposed", 0.0, false),
    ("how|what about", BotProposes, "bot_proposed", 0.0, false),
    ("have|did you seen|tried|watched|heard|considered|thought|read|used|visited", BotProposes, "bot_proposed", 0.0, false),
    ("i can|could _ _? _? for you", BotProposes, "bot_proposed", 0.0, false),
    ("if you like|want|wish|prefer", BotProposes, "bot_proposed", 0.0, false),
    ("i suggest|recommend|propose", BotProposes, "bot_proposed", 0.0, false),
    ("i would|d suggest|recommend|propose", BotProposes, "bot_proposed", 0.0, false),
    ("you might|may|could like|enjoy|want|try", BotProposes, "bot_proposed", 0.0, false),
    ("is it on your list", BotProposes, "bot_proposed", 0.0, false),
    ("confirm|confirming|confirmation|verify|verifying", BotConfirms, "bot_confirms", 0.0, false),
    ("is|are this|that|these|those|everything|it|all correct|right|ok|okay|alright|accurate", BotConfirms, "bot_confirms", 0.0, false),
    ("does|do this|that|it|everything look|sound|seem right|correct|good|ok|okay", BotConfirms, "bot_confirms", 0.0, false),
    ("you want|need|wanted|said|mean|meant", BotConfirms, "bot_confirms", 0.0, false),
    ("you would|d like", BotConfirms, "bot_confirms", 0.0, false),
    ("youd like", BotConfirms, "bot_confirms", 0.0, false),
    ("do|did you have a|any particular|specific? preference|preferences|preferred|favorite|favourite|requirement|requirements", BotAsksPreference, "bot_asks_preference", 0.0, false),
    ("any preference|preferences|requirements|particular|specific", BotAsksPreference, "bot_asks_preference", 0.0, false),
    ("do you mind|care", BotAsksPreference, "bot_asks_preference", 0.0, false),
    ("does it matter", BotAsksPreference, "bot_asks_preference", 0.0, false),
    ("anything|something else|more", BotCloses, "bot_closing", 0.0, false),
    (concat!("talk|speak|chat|connect|transfer|put|pass|forward|hand _? _? to|with|through a|an|the|one? of? our|the|your? real|live|human? ", person!(), "|someone|somebody|colleague|colleagues|team|member|members"), BotOffersPerson, "bot_offered_person", 0.0, false),
    ("any|some other|more help|questions|question|requests|request|assistance", BotCloses, "bot_closing", 0.0, false),
    ("is that|this all|everything", BotCloses, "bot_closing", 0.0, false),
    ("can|may i help|assist you? with anything|something", BotCloses, "bot_closing", 0.0, false),
];

/// Affirmative words that accept an offer made in the previous bot turn.
pub(crate) const AFFIRMATIVE: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "yup",
    "yea",
    "sure",
    "please",
    "ok",
    "okay",
    "alright",
    "absolutely",
    "definitely",
    "y",
];

/// Frustration cues that name what the message is about rather than how the customer takes the
/// bot's answer, or that are often no emphasis at all (a word in capitals may be an acronym): they
/// do not make a message a reaction to a failure of the bot.
pub(crate) const NOT_REACTIONS: &[&str] = &["cancel_or_refund", "problem", "payment_problem", "capitals"];

/// Words after an opening "no" that reassure rather than reject ("no problem", "no worries").
pub(crate) const REASSURANCES: &[&str] = &[
    "problem", "problems", "prob", "probs", "worries", "worry", "biggie", "rush", "hurry", "pressure",
];

/// Question words: two requests with different ones ask different things ("where" / "when").
pub(crate) const QUESTION_WORDS: &[&str] = &[
    "what", "where", "when", "why", "how", "which", "who", "whom", "whose",
];

/// Words that start a message by rejecting what the bot said.
pub(crate) const REJECTIONS: &[&str] = &["no", "nope", "nah", "nop", "wrong", "incorrect", "negative"];

/// Negations that, opening an answer to the bot, reject what it said ("Not that one", "Don't add it").
pub(crate) const NEGATED_ANSWERS: &[&str] = &["not", "dont", "never"];

/// Words after which an opening "not" is praise, not rejection ("not bad").
pub(crate) const LITOTES: &[&str] = &[
    "bad", "terrible", "awful", "horrible", "worse", "wrong", "too", "so",
];

/// Words that open a correction of what the bot understood ("Actually, two tickets").
pub(crate) const CORRECTION_OPENERS: &[&str] = &["actually", "wait", "hold"];

/// Words that, after a negation in the same clause, say the bot failed before ("not that one either").
pub(crate) const AGAIN_AFTER_NEGATION: &[&str] = &["either", "neither"];

/// Words that alone, with a question mark, say the customer did not follow ("what?", "huh?").
pub(crate) const BEWILDERED: &[&str] = &["what", "huh", "wut", "wat", "pardon", "excuse", "sorry"];

/// Greetings that, asked mid-conversation with a question mark, check whether anyone is there.
pub(crate) const GREETINGS: &[&str] = &["hello", "hi", "hey", "helo", "hallo", "hellooo", "helloo", "yo"];
