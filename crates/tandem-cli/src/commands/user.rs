//! `tandem user add | set-password | list`: staff accounts from the server's own machine.

use clap::{Args, Subcommand};
use tandem_core::model::Role;
use tandem_engine::staff::NewStaff;

use crate::open::{load_config, open_engine, StoreArgs};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account. Without --password one is generated and printed once.
    Add(AddArgs),
    /// Set a new password for an account (ends its sessions).
    SetPassword(SetPasswordArgs),
    /// List the staff accounts.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The person's e-mail address, used to log in.
    #[arg(long)]
    email: String,
    /// The person's name, as colleagues see it.
    #[arg(long)]
    name: String,
    /// agent, trainer, supervisor or admin.
    #[arg(long, default_value = "agent", value_parser = parse_role)]
    role: Role,
    /// The password (at least 10 characters) [env: TANDEM_USER_PASSWORD]. Prefer the environment
    /// variable: a flag can be seen by other users of the machine.
    #[arg(long, env = "TANDEM_USER_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

#[derive(Debug, Args)]
pub struct SetPasswordArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The account's e-mail address.
    #[arg(long)]
    email: String,
    /// The new password (at least 10 characters) [env: TANDEM_USER_PASSWORD]; generated when absent.
    #[arg(long, env = "TANDEM_USER_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// One JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).map_err(|e| e.to_string())
}

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => {
            let engine = open_engine(&load_config(&args.store, None)?).await?;
            let new = NewStaff {
                email: args.email,
                name: args.name,
                role: args.role,
                password: args.password,
            };
            let (user, generated) = engine.staff().create_user_unchecked(new).await?;
            println!("Created {} <{}> as {}.", user.name, user.email, user.role);
            if let Some(password) = generated {
                println!("Password: {password}   (shown once)");
            }
        }
        UserCommand::SetPassword(args) => {
            let engine = open_engine(&load_config(&args.store, None)?).await?;
            let (password, generated) = match args.password {
                Some(p) => (p, false),
                None => (tandem_engine::auth::generate_password(), true),
            };
            let user = engine
                .staff()
                .set_password_unchecked(&args.email, &password)
                .await?;
            println!(
                "The password of {} is changed; their sessions are ended.",
                user.email
            );
            if generated {
                println!("Password: {password}   (shown once)");
            }
        }
        UserCommand::List(args) => {
            let engine = open_engine(&load_config(&args.store, None)?).await?;
            let users = engine.staff().all_users_unchecked().await?;
            if args.json {
                println!("{}", serde_json::json!({ "users": users }));
            } else {
                println!(
                    "{:<36}  {:<32}  {:<10}  {:<6}  NAME",
                    "ID", "E-MAIL", "ROLE", "ACTIVE"
                );
                for u in users {
                    println!(
                        "{:<36}  {:<32}  {:<10}  {:<6}  {}",
                        u.id,
                        u.email,
                        u.role,
                        if u.active { "yes" } else { "no" },
                        u.name
                    );
                }
            }
        }
    }
    Ok(())
}
