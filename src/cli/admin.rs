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
    /// The outgoing delivery queue.
    Deliveries {
        #[command(subcommand)]
        command: DeliveriesCommand,
    },
}

#[derive(Subcommand)]
pub enum DeliveriesCommand {
    /// How many deliveries are waiting.
    Pending,
    /// Make waiting deliveries due now (after a peer came back), to all
    /// hosts or one; a running server sends them within seconds.
    Retry {
        /// Only deliveries to this host[:port].
        #[arg(long)]
        host: Option<String>,
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
        AdminCommand::Deliveries { command } => {
            let state = open(config).await?;
            match command {
                DeliveriesCommand::Pending => {
                    println!(
                        "{} deliveries waiting, {} of them after a failed attempt",
                        state.services.pending_deliveries().await?,
                        state.services.failing_deliveries().await?
                    );
                }
                DeliveriesCommand::Retry { host } => {
                    let n = state.services.retry_deliveries_now(host).await?;
                    println!("{n} deliveries are due now");
                }
            }
        }
    }
    Ok(())
}
