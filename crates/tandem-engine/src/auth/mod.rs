//! Who is calling. Staff log in with e-mail and password (argon2id) and get an opaque session
//! token; customers get a token that opens exactly one conversation. Only SHA-256 hashes of tokens
//! are stored, so a copy of the database does not let anyone in.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tandem_core::ids::ConversationId;
use tandem_core::model::User;
use tandem_core::permission::Permission;
use tandem_core::validate::{Email, Password};
use tandem_core::{Error, ErrorCode};

use crate::{Engine, Result};

/// Sessions, tokens and identity: who is calling.
#[derive(Clone, Copy)]
pub struct Auth<'e> {
    pub(crate) engine: &'e Engine,
}

const STAFF_TOKEN_PREFIX: &str = "tdm_";
const CUSTOMER_TOKEN_PREFIX: &str = "tdc_";

/// How many failed logins are allowed, per e-mail address and per client address.
pub(crate) struct LoginGuards {
    /// Failures per account and client address: what locks out a guesser, never the owner
    /// who logs in from elsewhere.
    pub(crate) login: crate::limits::Throttle,
    pub(crate) client: crate::limits::Throttle,
    /// Failures per account from everywhere: past the limit each attempt waits a second
    /// (slowed down, not refused, so the owner still gets in).
    pub(crate) account: crate::limits::Throttle,
}

impl LoginGuards {
    pub(crate) fn new(config: &crate::EngineConfig) -> Self {
        Self {
            login: crate::limits::Throttle::new(config.login_max_failures, config.login_window),
            // Many people may share one address (an office): it gets more room than one account.
            client: crate::limits::Throttle::new(config.login_max_failures * 5, config.login_window),
            account: crate::limits::Throttle::new(config.login_max_failures * 10, config.login_window),
        }
    }
}

/// A logged-in staff member.
#[derive(Clone, Debug)]
pub struct Staff {
    user: User,
}

impl Staff {
    /// Who is calling. Only authentication makes a `Staff` (from a live session), so holding one
    /// proves it.
    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn require(&self, permission: Permission) -> Result<()> {
        self.user.role.require(permission)
    }

    /// This staff member as the actor of an event or audit entry.
    pub fn actor(&self) -> tandem_core::event::Actor {
        tandem_core::event::Actor::User { id: self.user.id }
    }
}

/// A successful login.
#[derive(Clone, Debug)]
pub struct LoginOutcome {
    pub token: String,
    pub user: User,
    pub expires_at: chrono::DateTime<Utc>,
}

/// A new random token with the given prefix: 256 bits, URL-safe.
pub(crate) fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

pub(crate) fn new_customer_token() -> String {
    new_token(CUSTOMER_TOKEN_PREFIX)
}

/// What is stored in place of a token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two equal-length hex digests without an early exit.
pub(crate) fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hashes a password with argon2id (on a blocking thread: it takes tens of milliseconds on purpose).
pub async fn hash_password(password: &Password) -> Result<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| Error::internal(format!("password hashing stopped: {e}")))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A well-formed hash of a password nobody knows, verified when the e-mail is unknown so that the
/// answer takes as long as for a known one.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Kjt4HBZ1ZtW7AbO9v0bXvO5M0wBbL1q0r9x0u5y7c4";

/// A random password for a generated account: 20 characters, URL-safe.
pub fn generate_password() -> String {
    let mut bytes = [0u8; 15];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `hex(HMAC-SHA256(secret, email))`: what the business's site sends to prove who the customer is.
pub fn identity_signature(secret: &str, email: &str) -> String {
    use hmac::Mac;
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(email.trim().to_lowercase().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

impl Auth<'_> {
    /// Whether `signature` proves the e-mail address. No signature is `Ok(false)`; a wrong one, or
    /// one sent when no secret is configured, is an error (the site is misconfigured or someone
    /// is guessing).
    pub fn verify_identity(&self, email: &str, signature: Option<&str>) -> Result<bool> {
        let Some(signature) = signature.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(false);
        };
        let Some(secret) = self.engine.config.identity_secret.as_ref().map(|s| s.expose()) else {
            return Err(Error::invalid(
                ErrorCode::IdentityNotConfigured,
                "this Tandem has no identity secret configured",
            ));
        };
        if same_hash(&identity_signature(secret, email), &signature.to_lowercase()) {
            Ok(true)
        } else {
            Err(Error::Unauthenticated(
                "the identity signature does not match the e-mail address".into(),
            ))
        }
    }

    /// Checks e-mail and password and opens a session. Failures are limited per account and
    /// client address (a guesser is locked out, the owner elsewhere is not), per client address,
    /// and, slowing down rather than refusing, per account from everywhere.
    pub async fn login(&self, email: &str, password: &str, client: &str) -> Result<LoginOutcome> {
        let account_key = format!("email:{}", email.trim().to_lowercase());
        let email_key = format!("{account_key}|client:{client}");
        let client_key = format!("client:{client}");
        let blocked = [
            self.engine.guards.login.blocked(&[&email_key]),
            self.engine.guards.client.blocked(&[&client_key]),
        ];
        if let Some(retry_after_secs) = blocked.into_iter().flatten().max() {
            return Err(Error::RateLimited { retry_after_secs });
        }
        if self.engine.guards.account.blocked(&[&account_key]).is_some() {
            // Guessed at from many addresses: every try on this account is slowed down.
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        let wrong = || Error::Unauthenticated("the e-mail address or the password is wrong".into());
        let found = match Email::parse(email) {
            Ok(email) => self.engine.store.user_credentials(email.as_str()).await?,
            Err(_) => None,
        };
        let (user, hash) = match found {
            Some((user, hash)) if user.active => (user, hash),
            other => {
                verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
                self.engine.guards.login.fail(&[&email_key]);
                self.engine.guards.client.fail(&[&client_key]);
                self.engine.guards.account.fail(&[&account_key]);
                // An unknown address is not recorded: it may be anyone's, a customer's included.
                let (target, reason) = match other {
                    Some((user, _)) => (format!("user:{}", user.id), "inactive account"),
                    None => ("user:unknown".to_owned(), "unknown account"),
                };
                self.record_failure(target, reason).await;
                return Err(wrong());
            }
        };
        if !verify_password(password.to_owned(), hash).await {
            self.engine.guards.login.fail(&[&email_key]);
            self.engine.guards.client.fail(&[&client_key]);
            self.record_failure(format!("user:{}", user.id), "wrong password")
                .await;
            return Err(wrong());
        }
        self.engine.guards.login.clear(&email_key);
        let token = new_token(STAFF_TOKEN_PREFIX);
        let ttl =
            chrono::Duration::from_std(self.engine.config.session_ttl).unwrap_or(chrono::Duration::hours(12));
        let expires_at = self.engine.now() + ttl;
        self.engine
            .store
            .create_session(&token_hash(&token), user.id, expires_at)
            .await?;
        tracing::info!(user = %user.id, "staff login");
        Ok(LoginOutcome {
            token,
            user,
            expires_at,
        })
    }

    /// Records a refused login in the audit log (a failure to record it is logged, and the login
    /// is refused all the same).
    async fn record_failure(&self, target: String, reason: &str) {
        let recorded = self
            .engine
            .audit()
            .record(
                tandem_core::event::Actor::System,
                tandem_core::audit::AuditAction::LoginFailed,
                target,
                serde_json::json!({ "reason": reason }),
            )
            .await;
        if let Err(e) = recorded {
            tracing::error!(error = %e, "a refused login could not be recorded in the audit log");
        }
    }

    /// Ends the session of this token.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let user = self
            .engine
            .store
            .session_user(&token_hash(token), self.engine.now())
            .await?;
        self.engine.store.delete_session(&token_hash(token)).await?;
        if let Some(user) = user {
            self.engine
                .bus
                .publish(crate::events::LiveEvent::StaffSessionsChanged { user_id: user.id });
        }
        Ok(())
    }

    /// The staff member behind a session token.
    pub async fn staff(&self, token: &str) -> Result<Staff> {
        if !token.starts_with(STAFF_TOKEN_PREFIX) {
            return Err(Error::Unauthenticated("a staff session token is needed".into()));
        }
        match self
            .engine
            .store
            .session_user(&token_hash(token), self.engine.now())
            .await?
        {
            Some(user) => Ok(Staff { user }),
            None => Err(Error::Unauthenticated(
                "the session is unknown or has expired; log in again".into(),
            )),
        }
    }

    /// The staff member with this e-mail address, for commands run on the server's own machine
    /// (the CLI): they act as that person, so their role's permissions apply and the audit log
    /// names them. An unknown or deactivated account is refused.
    pub async fn staff_on_this_machine(&self, email: &str) -> Result<Staff> {
        let address = Email::parse(email)?;
        match self.engine.store.user_credentials(address.as_str()).await? {
            Some((user, _)) if user.active => Ok(Staff { user }),
            Some(_) => Err(Error::Forbidden(format!(
                "the account {} is deactivated",
                email.trim()
            ))),
            None => Err(Error::Unauthenticated(format!(
                "no staff account has the e-mail address {}; see `tandem user list`",
                email.trim()
            ))),
        }
    }

    /// Checks that the customer token opens this conversation. A token for another conversation
    /// and an unknown conversation get the same answer, so nothing leaks about others.
    pub async fn customer(&self, conversation: ConversationId, token: &str) -> Result<()> {
        if !token.starts_with(CUSTOMER_TOKEN_PREFIX) {
            return Err(Error::Unauthenticated("a customer token is needed".into()));
        }
        let hash = token_hash(token);
        match self.engine.store.customer_access(conversation).await? {
            Some(access) if same_hash(&access.token_hash, &hash) => {
                let idle = self.engine.now().signed_duration_since(access.last_message_at);
                let ttl = chrono::Duration::from_std(self.engine.config.customer_token_ttl)
                    .unwrap_or(chrono::Duration::MAX);
                if idle > ttl {
                    return Err(Error::Unauthenticated(
                        "this customer token has expired (the conversation has been quiet too long); start a new conversation".into(),
                    ));
                }
                Ok(())
            }
            // Told apart by the token alone, so nothing leaks about other conversations: a token
            // that opens no conversation (never issued, or its conversation was erased) is not a
            // credential at all; one that opens another conversation is refused this one.
            _ => match self.engine.store.conversation_of_token(&hash).await? {
                None => Err(Error::Unauthenticated(
                    "this customer token opens no conversation (it may have been erased)".into(),
                )),
                Some(_) => Err(Error::Forbidden(
                    "this token does not open this conversation".into(),
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hash_stably() {
        let a = new_token("tdm_");
        let b = new_token("tdm_");
        assert!(a.starts_with("tdm_") && a.len() > 40);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert!(same_hash(&token_hash(&a), &token_hash(&a)));
        assert!(!same_hash(&token_hash(&a), &token_hash(&b)));
    }

    #[test]
    fn identity_signatures_are_hmac_sha256_of_the_lowercased_email() {
        // Reference: python3 -c "import hmac,hashlib;print(hmac.new(b'k',b'ada@example.org',hashlib.sha256).hexdigest())"
        let reference = "348da1b5be80b40cbd5307f202d2d3a515c75aaf14f48032fed2381125e9d1da";
        assert_eq!(identity_signature("k", "ada@example.org"), reference);
        assert_eq!(identity_signature("k", " Ada@Example.ORG "), reference);
        assert_ne!(identity_signature("other", "ada@example.org"), reference);
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
