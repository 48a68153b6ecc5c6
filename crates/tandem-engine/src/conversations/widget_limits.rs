//! What the widget may do per client address and per conversation, and the counters behind it.

/// How much the widget may do, per client address and per conversation (sliding windows).
/// Generous for people, tight for scripts: see [`crate::EngineConfig::widget_limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WidgetLimits {
    /// Conversations one client address may start per 10 minutes.
    pub starts_per_client: usize,
    /// Messages one conversation may receive per minute.
    pub messages_per_conversation: usize,
    /// Messages one client address may send per minute, over all its conversations.
    pub messages_per_client: usize,
    /// MiB of files one client address may upload per hour, over all its conversations (each file
    /// counts its size, rounded up to a whole MiB): uploads are stored, so they are limited by
    /// what they cost, not only by how many there are.
    pub upload_mib_per_client: usize,
}

impl Default for WidgetLimits {
    fn default() -> Self {
        Self {
            // Many customers may share one address (offices, mobile carriers).
            starts_per_client: 60,
            messages_per_conversation: 60,
            messages_per_client: 300,
            upload_mib_per_client: 200,
        }
    }
}

/// The counters behind [`WidgetLimits`].
pub(crate) struct WidgetGuards {
    pub(super) starts: crate::limits::Throttle,
    pub(super) conversation_messages: crate::limits::Throttle,
    pub(super) client_messages: crate::limits::Throttle,
    /// MiB of files one client address may upload per hour.
    pub(super) client_uploads: crate::limits::Throttle,
    /// Wrong answers to the identity challenge, per e-mail address over all its conversations: a
    /// four-digit answer must not be guessable by starting conversation after conversation.
    pub(crate) identity_failures: crate::limits::Throttle,
}

/// Wrong identity answers one e-mail address may give per day before only a person can help.
pub const IDENTITY_FAILURES_PER_DAY: usize = 5;

impl WidgetGuards {
    pub(crate) fn new(limits: WidgetLimits) -> Self {
        use std::time::Duration;
        Self {
            starts: crate::limits::Throttle::new(limits.starts_per_client, Duration::from_secs(600)),
            conversation_messages: crate::limits::Throttle::new(
                limits.messages_per_conversation,
                Duration::from_secs(60),
            ),
            client_messages: crate::limits::Throttle::new(
                limits.messages_per_client,
                Duration::from_secs(60),
            ),
            client_uploads: crate::limits::Throttle::new(
                limits.upload_mib_per_client,
                Duration::from_secs(3600),
            ),
            identity_failures: crate::limits::Throttle::new(
                IDENTITY_FAILURES_PER_DAY,
                Duration::from_secs(24 * 3600),
            ),
        }
    }
}
