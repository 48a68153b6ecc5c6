//! Certifications: a supervisor or an admin signs off that an agent holds a skill, once the agent
//! passed a practice scenario that trains it; routing uses them (`routing.require` in the pack).
//! Granting and revoking are audited with who did it and why.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tandem_core::audit::AuditAction;
use tandem_core::event::Actor;
use tandem_core::ids::UserId;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_nlu::quality::Skill;
use tandem_store::Certification;
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::{Engine, Result};

/// Longest reason kept, in characters.
const MAX_REASON: usize = 500;

#[derive(Clone, Copy)]
pub struct Certifications<'e> {
    pub(crate) engine: &'e Engine,
}

/// A certification someone holds.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CertificationView {
    #[schema(value_type = String)]
    pub user_id: UserId,
    pub skill: String,
    #[schema(value_type = Option<String>)]
    pub granted_by: Option<UserId>,
    pub granted_at: DateTime<Utc>,
    pub reason: String,
}

impl From<Certification> for CertificationView {
    fn from(c: Certification) -> Self {
        Self {
            user_id: c.user_id,
            skill: c.skill,
            granted_by: c.granted_by,
            granted_at: c.granted_at,
            reason: c.reason,
        }
    }
}

fn skill(name: &str) -> Result<Skill> {
    Skill::parse(name.trim()).ok_or_else(|| {
        Error::invalid(
            ErrorCode::InvalidSkill,
            format!(
                "`{}` is not a skill; use one of {}",
                name.trim(),
                Skill::ALL.map(Skill::as_str).join(", ")
            ),
        )
    })
}

fn reason(text: Option<&str>) -> Result<Option<String>> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    match text {
        Some(t) if t.chars().count() > MAX_REASON => Err(Error::invalid(
            ErrorCode::InvalidBody,
            format!("the reason must be at most {MAX_REASON} characters"),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

impl Certifications<'_> {
    /// Certifies `user` in `skill` when they passed a practice scenario that trains it. The audit
    /// log keeps who certified them and why.
    pub async fn grant(
        &self,
        staff: &Staff,
        user: UserId,
        skill_name: &str,
        why: Option<&str>,
    ) -> Result<CertificationView> {
        staff.require(Permission::CertifyAgents)?;
        let skill = skill(skill_name)?;
        let why = reason(why)?;
        let store = &self.engine.store;
        let person = store
            .get_user(user)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| Error::invalid(ErrorCode::UnknownReference, "no such active staff member"))?;
        let bot = self.engine.runtime().running()?;
        let passed = store.passed_scenarios(user).await?;
        let proof: Vec<&str> = super::practice::passed_training(&bot.pack.practice, skill, &passed)
            .into_iter()
            .map(|s| s.title.as_str())
            .collect();
        if proof.is_empty() {
            return Err(Error::invalid(
                ErrorCode::NotEligible,
                format!(
                    "{} has not passed a practice scenario that trains {}",
                    person.name,
                    skill.as_str()
                ),
            ));
        }
        let why = why.unwrap_or_else(|| format!("Passed practice: {}.", proof.join(", ")));
        let granted = store
            .grant_certification(user, skill.as_str(), staff.user().id, &why)
            .await?;
        self.engine
            .audit()
            .record(
                Actor::User { id: staff.user().id },
                AuditAction::CertificationGranted,
                format!("user:{user}"),
                serde_json::json!({ "skill": skill.as_str(), "reason": why, "passed": proof }),
            )
            .await?;
        Ok(granted.into())
    }

    /// Revokes a certification; the reason is required and kept in the audit log.
    pub async fn revoke(
        &self,
        staff: &Staff,
        user: UserId,
        skill_name: &str,
        why: Option<&str>,
    ) -> Result<()> {
        staff.require(Permission::CertifyAgents)?;
        let skill = skill(skill_name)?;
        let why = reason(why)?.ok_or_else(|| {
            Error::invalid(ErrorCode::ReasonRequired, "say why the certification is revoked")
        })?;
        let revoked = self
            .engine
            .store
            .revoke_certification(user, skill.as_str(), staff.user().id, &why)
            .await?;
        if !revoked {
            return Err(Error::missing(
                ErrorCode::NotCertified,
                format!(
                    "the staff member does not hold the {} certification",
                    skill.as_str()
                ),
            ));
        }
        self.engine
            .audit()
            .record(
                Actor::User { id: staff.user().id },
                AuditAction::CertificationRevoked,
                format!("user:{user}"),
                serde_json::json!({ "skill": skill.as_str(), "reason": why }),
            )
            .await?;
        Ok(())
    }

    /// The certifications `user` holds (one's own, or anyone's for a coach); everyone's when no
    /// user is named (coaches only).
    pub async fn list(&self, staff: &Staff, user: Option<UserId>) -> Result<Vec<CertificationView>> {
        match user {
            Some(u) => super::Coaching::may_see(staff, u)?,
            None => staff.require(Permission::CoachAgents)?,
        }
        Ok(self
            .engine
            .store
            .certifications(user)
            .await?
            .into_iter()
            .map(CertificationView::from)
            .collect())
    }
}
