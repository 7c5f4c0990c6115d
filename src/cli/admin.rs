//! `intercoop admin ...`: works directly on the database, also while the server runs.

use clap::Subcommand;

use super::password::PasswordArgs;
use crate::config::Config;
use crate::domain::node::{normalize_domain, NodeApproval};
use crate::services::accounts::NewCoopAccount;
use crate::services::nodes::Admin;

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
    /// Other nodes: follow, unfollow, list, approve, remove.
    Nodes {
        #[command(subcommand)]
        command: NodesCommand,
    },
    /// The record of admin actions, newest first.
    Actions {
        /// How many to show (1 to 100).
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// The outgoing delivery queue.
    Deliveries {
        #[command(subcommand)]
        command: DeliveriesCommand,
    },
}

#[derive(Subcommand)]
pub enum NodesCommand {
    /// Follow another node by its domain; its coops and open proposals are
    /// backfilled once it accepts.
    Follow { domain: String },
    /// Stop following a node.
    Unfollow { domain: String },
    /// Nodes this node follows or is followed by, with their state.
    List,
    /// Accept a node's pending follow request.
    Approve { domain: String },
    /// Refuse a node's follow request, or remove a follower node.
    RemoveFollower { domain: String },
    /// Whether other nodes' follows are accepted at once (auto) or wait for an admin (manual).
    Approval { mode: String },
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
        AdminCommand::Nodes { command } => {
            let state = open(config).await?;
            nodes(&state, command).await?;
        }
        AdminCommand::Actions { limit } => {
            let state = open(config).await?;
            let page = state.services.admin_actions(None, limit).await?;
            for a in page.items {
                println!(
                    "{}  {:<24} {:<28} {} {}",
                    a.created_at.and_utc().to_rfc3339(),
                    a.action,
                    a.target,
                    a.admin,
                    a.detail
                );
            }
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

fn domain(input: &str) -> anyhow::Result<String> {
    normalize_domain(input).map_err(|m| anyhow::anyhow!(m))
}

async fn nodes(state: &crate::state::AppState, command: NodesCommand) -> anyhow::Result<()> {
    let services = &state.services;
    match command {
        NodesCommand::Follow { domain: d } => {
            let d = domain(&d)?;
            let actor = crate::federation::routes::resolve_node(state, &d)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let (follow, created) = services.follow_node(Admin::Cli, actor).await?;
            if created {
                println!(
                    "asked to follow {}; a running server sends the request",
                    follow.domain
                );
            } else {
                println!(
                    "already following {} ({})",
                    follow.domain,
                    if follow.accepted {
                        "accepted"
                    } else {
                        "pending"
                    }
                );
            }
        }
        NodesCommand::Unfollow { domain: d } => {
            let d = domain(&d)?;
            services.unfollow_node(Admin::Cli, d.clone()).await?;
            println!("stopped following {d}");
        }
        NodesCommand::Approve { domain: d } => {
            let d = domain(&d)?;
            services
                .approve_node_follower(Admin::Cli, d.clone())
                .await?;
            println!("{d} may now follow this node");
        }
        NodesCommand::RemoveFollower { domain: d } => {
            let d = domain(&d)?;
            services.remove_node_follower(Admin::Cli, d.clone()).await?;
            println!("{d} no longer follows this node");
        }
        NodesCommand::Approval { mode } => {
            let approval = NodeApproval::parse(&mode)
                .ok_or_else(|| anyhow::anyhow!("approval must be auto or manual, not '{mode}'"))?;
            services.set_node_approval(Admin::Cli, approval).await?;
            println!("node follow approval: {}", approval.as_str());
        }
        NodesCommand::List => {
            let known = services.known_nodes().await?;
            if known.is_empty() {
                println!("no other nodes yet");
            }
            for n in known.iter().map(crate::api::admin::node_view) {
                let backfill = n
                    .backfill
                    .map(|b| {
                        format!(
                            "backfill {} ({} items{})",
                            b.state,
                            b.items,
                            b.error
                                .map(|e| format!(", last error: {e}"))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default();
                println!(
                    "{:<30} following: {:<9} followed by: {:<9} {}",
                    n.domain, n.following, n.followed_by, backfill
                );
            }
        }
    }
    Ok(())
}
