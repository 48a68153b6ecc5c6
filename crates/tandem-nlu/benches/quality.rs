//! Soft-skill scorer: time per reply over a varied set of agent replies (short and long, polite
//! and curt, with and without the customer's words before them).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tandem_nlu::quality::score;

const CONTEXT: &str =
    "My order A1001 arrived damaged and I have been waiting two weeks for a refund. This is ridiculous!";

const REPLIES: &[&str] = &[
    "Hi Anna, thanks for reaching out. I'm so sorry your order arrived damaged.",
    "I've issued a replacement; it ships tomorrow with tracking.",
    "Send a photo.",
    "That's not my problem.",
    "Read the FAQ.",
    "Calm down.",
    "Could you tell me what happened when you opened the parcel?",
    "I'm so sorry you were charged twice; I understand how frustrating that is. I'm checking your payments now.",
    "You're right to be upset, I can see both charges. I've refunded the duplicate and e-mailed you the receipt.",
    "Thank you for your patience, I know this took too long. The refund reaches your card within 5 days.",
    "Hello! How can I help you today?",
    "Is there anything else I can help you with? Have a great day!",
    "Best regards, the Tandem team",
    "Please click Reset password on the sign-in page and follow the link we e-mail you.",
    "You could try clearing your browser's cache and signing in again.",
    "I understand. Let me check that for you.",
    "It sounds like the delivery has been a real hassle. When did you last hear from the courier?",
    "Unfortunately we cannot refund opened items, as stated in our terms.",
    "As I already said, the parcel was delivered.",
    "ok",
    "",
    "WE HAVE ALREADY ANSWERED THIS!!!",
    "Your refund of 49.90 EUR was processed on 3 March and should appear within 3-5 business days.",
    "I'm really sorry about the wait — that must have been frustrating. I've escalated your case to our warehouse team and will update you by Friday.",
    "Good morning Mr. Müller, vielen Dank für Ihre Nachricht. Es tut mir leid, dass die Lieferung beschädigt war.",
    "Guten Tag! Ich habe Ihnen die Gutschrift erstattet. Mit freundlichen Grüßen",
    "Do you still have the original packaging?",
    "What is the order number on your confirmation e-mail?",
    "I see. So the jacket was torn at the seam when it arrived, is that right?",
    "No worries at all, happy to help!",
    "We apologise for the inconvenience. A courier will collect the item on Tuesday between 9:00 and 12:00.",
    "Please make sure the device is plugged in, then hold the power button for 10 seconds.",
    "I can imagine how stressful this must be with the trip coming up. Let's get this sorted today.",
    "Your RMA was rejected due to SKU mismatch in WMS.",
    "Thanks for your message. We'll get back to you within 24 hours.",
    "Have you tried restarting the router?",
    "That sounds really difficult. You're not alone — many customers had the same problem last week, and it's fixed now.",
    "I'll personally make sure this is sorted out. You'll receive an e-mail confirmation within the hour.",
    "We have looked into the matter and after consulting the relevant team it appears that the issue with your account relates to a configuration change that was made during the migration last month which means that some settings were not carried over and therefore the feature you are trying to use is not available at the moment until our engineers complete the rollback which is scheduled for next week.",
    "Whatever. Figure it out yourself.",
    "😀 Thanks so much! 🙏",
    "お問い合わせありがとうございます。",
    "Let me know if you need anything else. Take care!",
    "Would you prefer a refund or a replacement? Either is fine with us.",
    "I completely understand your frustration, and you have every right to be annoyed. Here's what I'll do: refund the shipping fee today and send a new unit by express.",
    "The item is out of stock.",
    "Sorry.",
    "Please be patient.",
    "How are you feeling about the new plan so far?",
    "Kind regards,\nSam\nCustomer Care",
];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("quality");
    group.throughput(Throughput::Elements(
        u64::try_from(REPLIES.len()).unwrap_or(u64::MAX),
    ));
    group.bench_function("score_without_context", |b| {
        b.iter(|| {
            for r in REPLIES {
                black_box(score("", black_box(r)));
            }
        })
    });
    group.bench_function("score_with_context", |b| {
        b.iter(|| {
            for r in REPLIES {
                black_box(score(CONTEXT, black_box(r)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
