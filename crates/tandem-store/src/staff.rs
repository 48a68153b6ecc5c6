//! Staff: users and teams.

use async_trait::async_trait;
use tandem_core::ids::{TeamId, UserId};
use tandem_core::model::{Role, Team, User};

use crate::Result;

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Fields to change on a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub team_ids: Option<Vec<TeamId>>,
}

#[derive(Clone, Debug)]
pub struct NewTeam {
    pub name: String,
    pub skills: Vec<String>,
}

#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn create_user(&self, user: NewUser) -> Result<User>;
    async fn get_user(&self, id: UserId) -> Result<Option<User>>;
    /// The user with this (normalised) e-mail address and their password hash.
    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    /// Applies the change; deactivating a user also ends their sessions.
    async fn update_user(&self, id: UserId, change: UserChange) -> Result<User>;
    /// Sets a new password hash and ends the user's sessions.
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> Result<()>;
    async fn count_users(&self) -> Result<i64>;
    async fn create_team(&self, team: NewTeam) -> Result<Team>;
    async fn get_team(&self, id: TeamId) -> Result<Option<Team>>;
    /// The team with exactly this name.
    async fn team_by_name(&self, name: &str) -> Result<Option<Team>>;
    async fn list_teams(&self) -> Result<Vec<Team>>;
}
