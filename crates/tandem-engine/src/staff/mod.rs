//! Staff accounts and teams: created and changed by admins (or the CLI on the server's machine).

use serde::Deserialize;
use tandem_core::audit::AuditAction;
use tandem_core::event::Actor;
use tandem_core::ids::{TeamId, UserId};
use tandem_core::model::{Role, Team, User};
use tandem_core::permission::Permission;
use tandem_core::validate::{DisplayName, Email, Password, Tag};
use tandem_core::{Error, ErrorCode};
use tandem_store::{NewTeam, NewUser, UserChange};

use crate::auth::{generate_password, hash_password, Staff};
use crate::{Engine, Result};

/// Staff accounts and teams.
#[derive(Clone, Copy)]
pub struct StaffAdmin<'e> {
    pub(crate) engine: &'e Engine,
}

/// A new staff account. Without a password one is generated and returned once.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NewStaff {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: Option<String>,
}

/// What an admin may change on a user; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct StaffUpdate {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub team_ids: Option<Vec<TeamId>>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct TeamInput {
    pub name: String,
    #[serde(default)]
    pub skills: Vec<String>,
}

/// The outcome of the first-start check.
#[derive(Debug)]
pub enum Bootstrap {
    /// Users existed already; nothing was done.
    AlreadyDone,
    /// The first admin was created with the given password.
    Created {
        email: String,
        generated_password: Option<String>,
    },
}

impl StaffAdmin<'_> {
    /// Creates an account without a permission check: for the CLI and the first start, which run
    /// on the server's own machine.
    pub async fn create_user_unchecked(&self, new: NewStaff) -> Result<(User, Option<String>)> {
        self.create(new, Actor::System).await
    }

    async fn create(&self, new: NewStaff, actor: Actor) -> Result<(User, Option<String>)> {
        let email = Email::parse(&new.email)?;
        let name = DisplayName::parse(&new.name)?;
        let (password, generated) = match new.password {
            Some(p) => (Password::parse(&p)?, None),
            None => {
                let p = generate_password();
                (Password::parse(&p)?, Some(p))
            }
        };
        let password_hash = hash_password(&password).await?;
        let user = self
            .engine
            .store
            .create_user(NewUser {
                email: email.into_string(),
                name: name.into_string(),
                role: new.role,
                password_hash,
            })
            .await?;
        tracing::info!(user = %user.id, role = %user.role, "staff account created");
        self.engine
            .audit()
            .record(
                actor,
                AuditAction::UserCreated,
                format!("user:{}", user.id),
                serde_json::json!({ "role": user.role }),
            )
            .await?;
        Ok((user, generated))
    }

    /// On an empty database, creates the first admin (with a generated password when none is given).
    pub async fn bootstrap_admin(&self, email: &str, password: Option<&str>) -> Result<Bootstrap> {
        if self.engine.store.count_users().await? > 0 {
            return Ok(Bootstrap::AlreadyDone);
        }
        let new = NewStaff {
            email: email.to_owned(),
            name: "Administrator".to_owned(),
            role: Role::Admin,
            password: password.map(str::to_owned),
        };
        let (user, generated_password) = self.create_user_unchecked(new).await?;
        Ok(Bootstrap::Created {
            email: user.email,
            generated_password,
        })
    }

    pub async fn create_user(&self, staff: &Staff, new: NewStaff) -> Result<(User, Option<String>)> {
        staff.require(Permission::ManageStaff)?;
        self.create(new, staff.actor()).await
    }

    pub async fn list_users(&self, staff: &Staff) -> Result<Vec<User>> {
        staff.require(Permission::ViewStaff)?;
        self.engine.store.list_users().await
    }

    pub async fn all_users_unchecked(&self) -> Result<Vec<User>> {
        self.engine.store.list_users().await
    }

    /// Changes a user. An admin cannot demote or deactivate the last active admin, so nobody is
    /// locked out.
    pub async fn update_user(&self, staff: &Staff, id: UserId, update: StaffUpdate) -> Result<User> {
        staff.require(Permission::ManageStaff)?;
        let target = self
            .engine
            .store
            .get_user(id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let loses_admin = target.role == Role::Admin
            && target.active
            && (update.role.is_some_and(|r| r != Role::Admin) || update.active == Some(false));
        if loses_admin {
            let admins = self
                .engine
                .store
                .list_users()
                .await?
                .iter()
                .filter(|u| u.role == Role::Admin && u.active)
                .count();
            if admins <= 1 {
                return Err(Error::conflict(
                    ErrorCode::LastAdmin,
                    "the last active admin cannot be demoted or deactivated",
                ));
            }
        }
        if let Some(teams) = &update.team_ids {
            let known = self.engine.store.list_teams().await?;
            if let Some(missing) = teams.iter().find(|t| !known.iter().any(|k| k.id == **t)) {
                return Err(Error::invalid(
                    ErrorCode::InvalidTeam,
                    format!("there is no team {missing}"),
                ));
            }
        }
        let name = update
            .name
            .as_deref()
            .map(DisplayName::parse)
            .transpose()?
            .map(DisplayName::into_string);
        let details = serde_json::json!({
            "role": update.role.filter(|r| *r != target.role).map(|r| serde_json::json!({ "from": target.role, "to": r })),
            "active": update.active.filter(|a| *a != target.active),
            "name_changed": name.as_ref().is_some_and(|n| *n != target.name),
            "team_ids": update.team_ids,
        });
        let change = UserChange {
            name,
            role: update.role,
            active: update.active,
            team_ids: update.team_ids,
        };
        let user = self.engine.store.update_user(id, change).await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::UserUpdated,
                format!("user:{}", user.id),
                details,
            )
            .await?;
        self.engine
            .bus
            .publish(crate::events::LiveEvent::StaffSessionsChanged { user_id: user.id });
        tracing::info!(by = %staff.user().id, user = %user.id, "staff account changed");
        Ok(user)
    }

    /// Sets a user's password (CLI) and ends their sessions.
    pub async fn set_password_unchecked(&self, email: &str, password: &str) -> Result<User> {
        let email = Email::parse(email)?;
        let password = Password::parse(password)?;
        let (user, _) = self
            .engine
            .store
            .user_credentials(email.as_str())
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        self.engine
            .store
            .set_password_hash(user.id, &hash_password(&password).await?)
            .await?;
        self.engine
            .audit()
            .record(
                Actor::System,
                AuditAction::UserPasswordSet,
                format!("user:{}", user.id),
                serde_json::json!({}),
            )
            .await?;
        Ok(user)
    }

    pub async fn create_team(&self, staff: &Staff, input: TeamInput) -> Result<Team> {
        staff.require(Permission::ManageStaff)?;
        let name = DisplayName::parse(&input.name)?.into_string();
        let skills = input
            .skills
            .iter()
            .map(|s| Tag::parse(s).map(|t| t.as_str().to_owned()))
            .collect::<Result<_>>()?;
        let team = self.engine.store.create_team(NewTeam { name, skills }).await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::TeamCreated,
                format!("team:{}", team.id),
                serde_json::json!({ "name": team.name }),
            )
            .await?;
        Ok(team)
    }

    pub async fn list_teams(&self, staff: &Staff) -> Result<Vec<Team>> {
        staff.require(Permission::ViewStaff)?;
        self.engine.store.list_teams().await
    }
}
