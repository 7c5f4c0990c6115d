//! `intercoop admin ...`: works directly on the database, also while the server runs.

use clap::Subcommand;

use super::password::PasswordArgs;
use crate::config::Config;
use crate::services::accounts::NewCoopAccount;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a coop and the member account that acts for it.
    CreateCoop {
        /// The coop's handle: a-z, 0-9 and '_' (it becomes @handle@your.domain).
        handle: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Email of the member who signs in for the coop.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Create a node admin account.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
}

async fn open(config: Config) -> anyhow::Result<crate::state::AppState> {
    crate::server::prepare(&config).await
}

pub async fn run(config: Config, command: AdminCommand) -> anyhow::Result<()> {
    // Each command asks for the password before touching the database.
    match command {
        AdminCommand::CreateCoop {
            handle,
            name,
            email,
            password,
        } => {
            let password = password.read()?;
            let state = open(config).await?;
            let (coop, user) = state
                .services
                .create_coop_account(NewCoopAccount {
                    handle,
                    display_name: name,
                    email,
                    password,
                })
                .await?;
            println!(
                "created coop @{}@{} ({}); {} can now sign in",
                coop.handle,
                state.config.domain(),
                coop.profile.display_name,
                user.email
            );
        }
        AdminCommand::CreateAdmin { email, password } => {
            let password = password.read()?;
            let state = open(config).await?;
            let user = state.services.create_admin(&email, password).await?;
            println!("created node admin {}", user.email);
        }
    }
    Ok(())
}
