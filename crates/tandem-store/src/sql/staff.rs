//! Users and teams.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::ids::{TeamId, UserId};
use tandem_core::model::{Team, User};
use tandem_core::{Error, ErrorCode};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, to_json, unique_error, TeamRow, UserRow};
use crate::staff::{NewTeam, NewUser, StaffStore, UserChange};
use crate::Result;

const USER_COLUMNS: &str = "id, email, name, role, active, created_at FROM users";
const TEAM_COLUMNS: &str = "id, name, skills, created_at FROM teams";

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// (user id, team id) pairs of one user, or of everyone.
    pub(super) async fn user_teams(&self, user: Option<&str>) -> Result<Vec<(String, String)>> {
        match user {
            Some(u) => {
                sqlx::query_as("SELECT user_id, team_id FROM user_teams WHERE user_id = $1")
                    .bind(u.to_owned())
                    .fetch_all(self.reader())
                    .await
            }
            None => {
                sqlx::query_as("SELECT user_id, team_id FROM user_teams")
                    .fetch_all(self.reader())
                    .await
            }
        }
        .map_err(db_error)
    }
}

#[async_trait]
impl<DB> StaffStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    async fn create_user(&self, user: NewUser) -> Result<User> {
        let user_id = UserId::new();
        sqlx::query(
            "INSERT INTO users (id, email, name, role, active, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user_id.to_string())
        .bind(user.email)
        .bind(user.name)
        .bind(user.role.as_str().to_owned())
        .bind(true)
        .bind(user.password_hash)
        .bind(micros(self.now()))
        .execute(self.writer())
        .await
        .map_err(|e| {
            unique_error(
                e,
                ErrorCode::EmailTaken,
                "a user with this e-mail address already exists",
            )
        })?;
        self.get_user(user_id)
            .await?
            .ok_or_else(|| Error::internal("the new user cannot be read back"))
    }

    async fn get_user(&self, user: UserId) -> Result<Option<User>> {
        let key = user.to_string();
        let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE id = $1"))
            .bind(key.clone())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        match row {
            Some(row) => Ok(Some(row.into_user(&self.user_teams(Some(&key)).await?)?)),
            None => Ok(None),
        }
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(email.to_owned())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        let Some((key, hash)) = row else { return Ok(None) };
        Ok(self.get_user(id(&key)?).await?.map(|u| (u, hash)))
    }

    async fn list_users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} ORDER BY email"))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        let teams = self.user_teams(None).await?;
        rows.into_iter().map(|r| r.into_user(&teams)).collect()
    }

    async fn update_user(&self, user: UserId, change: UserChange) -> Result<User> {
        let key = user.to_string();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let exists: Option<(String,)> =
            sqlx::query_as(&format!("SELECT id FROM users WHERE id = $1{}", DB::FOR_UPDATE))
                .bind(key.clone())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if exists.is_none() {
            return Err(Error::not_found("user"));
        }
        if let Some(name) = change.name {
            sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
                .bind(name)
                .bind(key.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        if let Some(role) = change.role {
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                .bind(role.as_str().to_owned())
                .bind(key.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        if let Some(active) = change.active {
            sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(key.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            if !active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(key.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
        }
        if let Some(teams) = change.team_ids {
            sqlx::query("DELETE FROM user_teams WHERE user_id = $1")
                .bind(key.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for team in teams {
                sqlx::query(
                    "INSERT INTO user_teams (user_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(key.clone())
                .bind(team.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
        }
        tx.commit().await.map_err(db_error)?;
        self.get_user(user).await?.ok_or_else(|| Error::not_found("user"))
    }

    async fn set_password_hash(&self, user: UserId, password_hash: &str) -> Result<()> {
        let key = user.to_string();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_owned())
            .bind(key.clone())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if DB::rows_affected(&done) == 0 {
            return Err(Error::not_found("user"));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(self.reader())
            .await
            .map_err(db_error)?;
        Ok(n)
    }

    async fn create_team(&self, team: NewTeam) -> Result<Team> {
        let row: TeamRow = sqlx::query_as(
            "INSERT INTO teams (id, name, skills, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, name, skills, created_at",
        )
        .bind(TeamId::new().to_string())
        .bind(team.name)
        .bind(to_json(&team.skills)?)
        .bind(micros(self.now()))
        .fetch_one(self.writer())
        .await
        .map_err(|e| unique_error(e, ErrorCode::TeamExists, "a team with this name already exists"))?;
        row.try_into()
    }

    async fn get_team(&self, team: TeamId) -> Result<Option<Team>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!("SELECT {TEAM_COLUMNS} WHERE id = $1"))
            .bind(team.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(Team::try_from).transpose()
    }

    async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!("SELECT {TEAM_COLUMNS} WHERE name = $1"))
            .bind(name.to_owned())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(Team::try_from).transpose()
    }

    async fn list_teams(&self) -> Result<Vec<Team>> {
        let rows: Vec<TeamRow> = sqlx::query_as(&format!("SELECT {TEAM_COLUMNS} ORDER BY name"))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        rows.into_iter().map(Team::try_from).collect()
    }
}
