//! `intercoop admin ...`: works directly on the database, also while the server runs.

use clap::Subcommand;

use std::sync::Arc;

use super::password::PasswordArgs;
use crate::domain::node::{normalize_domain, NodeApproval};
use crate::domain::policy::{FederationMode, Severity};
use crate::services::accounts::NewCoopAccount;
use crate::services::nodes::Admin;
use crate::services::remote::Resolver;
use crate::services::Services;

/// What an admin command works with, opened only once its password (if
/// any) has been read.
pub struct Node {
    pub services: Services,
    /// Finds other nodes (WebFinger) for `nodes follow`.
    pub resolver: Arc<dyn Resolver>,
}

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
    /// Delete a coop for good: its profile, members, proposals and follows.
    /// Other servers are told; the handle is never given out again.
    DeleteCoop {
        handle: String,
        /// Confirms the deletion; without it nothing happens.
        #[arg(long)]
        yes: bool,
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
    /// Show the federation mode, or set it: open (everyone but blocked
    /// domains) or allowlist (only allowed domains).
    Policy { mode: Option<String> },
    /// Domain blocks: add, remove, list, import and export (Mastodon's CSV).
    Blocks {
        #[command(subcommand)]
        command: BlocksCommand,
    },
    /// Allowed domains (what counts in allow-list mode).
    Allow {
        #[command(subcommand)]
        command: AllowCommand,
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
pub enum BlocksCommand {
    /// Block a domain (and its subdomains), or change its block.
    Add {
        domain: String,
        /// suspend: refuse everything, deliver nothing, remove what is
        /// stored from it. limit: keep it out of the directory and matching,
        /// its follows wait for approval.
        #[arg(long)]
        severity: String,
        /// Why, in words fit to share with other nodes.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Lift a block (severed follows stay severed; follow again).
    Remove {
        domain: String,
    },
    List,
    /// Import a block list in Mastodon's CSV format, or one domain per line.
    Import {
        /// The CSV file; `-` reads standard input.
        file: String,
    },
    /// Write every block as CSV in Mastodon's format to standard output.
    Export,
}

#[derive(Subcommand)]
pub enum AllowCommand {
    /// Allow a domain (and its subdomains).
    Add {
        domain: String,
    },
    Remove {
        domain: String,
    },
    List,
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

/// Runs `command`; `open` connects to the node's database.
pub async fn run(
    command: AdminCommand,
    open: impl AsyncFnOnce() -> anyhow::Result<Node>,
) -> anyhow::Result<()> {
    // Each command asks for the password before touching the database.
    match command {
        AdminCommand::CreateCoop {
            handle,
            name,
            email,
            password,
        } => {
            let password = password.read()?;
            let state = open().await?;
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
                state.services.urls.domain(),
                coop.profile.display_name,
                user.email
            );
        }
        AdminCommand::DeleteCoop { handle, yes } => {
            if !yes {
                anyhow::bail!(
                    "deleting @{handle} cannot be undone; run again with --yes to confirm"
                );
            }
            let state = open().await?;
            state.services.delete_coop(Admin::Cli, &handle).await?;
            println!(
                "deleted coop @{handle}@{}; a running server tells the servers that knew it",
                state.services.urls.domain()
            );
        }
        AdminCommand::CreateAdmin { email, password } => {
            let password = password.read()?;
            let state = open().await?;
            let user = state.services.create_admin(&email, password).await?;
            println!("created node admin {}", user.email);
        }
        AdminCommand::Nodes { command } => {
            let state = open().await?;
            nodes(&state, command).await?;
        }
        AdminCommand::Policy { mode } => {
            let state = open().await?;
            if let Some(mode) = mode {
                let mode = FederationMode::parse(&mode).ok_or_else(|| {
                    anyhow::anyhow!("the mode must be open or allowlist, not '{mode}'")
                })?;
                state.services.set_federation_mode(Admin::Cli, mode).await?;
            }
            println!(
                "federation mode: {}; node follow approval: {}",
                state.services.federation_mode().await?.as_str(),
                state.services.node_approval().await?.as_str()
            );
        }
        AdminCommand::Blocks { command } => {
            let state = open().await?;
            blocks(&state, command).await?;
        }
        AdminCommand::Allow { command } => {
            let state = open().await?;
            let services = &state.services;
            match command {
                AllowCommand::Add { domain } => {
                    let added = services.allow_domain(Admin::Cli, &domain).await?;
                    println!(
                        "{domain} {}",
                        if added {
                            "allowed"
                        } else {
                            "was already allowed"
                        }
                    );
                }
                AllowCommand::Remove { domain } => {
                    services.disallow_domain(Admin::Cli, &domain).await?;
                    println!("{domain} is no longer allowed");
                }
                AllowCommand::List => {
                    for a in services.domain_allows().await? {
                        println!("{}", a.domain);
                    }
                }
            }
        }
        AdminCommand::Actions { limit } => {
            let state = open().await?;
            let page = state.services.admin_actions(None, Some(limit)).await?;
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
            let state = open().await?;
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

async fn blocks(state: &Node, command: BlocksCommand) -> anyhow::Result<()> {
    let services = &state.services;
    match command {
        BlocksCommand::Add {
            domain,
            severity,
            comment,
        } => {
            let severity = Severity::parse(&severity).ok_or_else(|| {
                anyhow::anyhow!("the severity must be suspend or limit, not '{severity}'")
            })?;
            let (block, purged) = services
                .block_domain(Admin::Cli, &domain, severity, comment)
                .await?;
            println!(
                "{} blocked ({}); {} remote actors removed, {} waiting deliveries dropped",
                block.domain,
                block.severity.as_str(),
                purged.actors,
                purged.deliveries
            );
        }
        BlocksCommand::Remove { domain } => {
            services.unblock_domain(Admin::Cli, &domain).await?;
            println!("{domain} is no longer blocked");
        }
        BlocksCommand::List => {
            for b in services.domain_blocks().await? {
                println!(
                    "{:<30} {:<8} {}",
                    b.domain,
                    b.severity.as_str(),
                    b.public_comment
                );
            }
        }
        BlocksCommand::Import { file } => {
            let text = if file == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?
            };
            let imported = services.import_blocks(Admin::Cli, &text).await?;
            println!(
                "{} domains blocked, {} already blocked (left as they were), {} noop rows ignored",
                imported.added.len(),
                imported.unchanged.len(),
                imported.noop
            );
        }
        BlocksCommand::Export => {
            print!("{}", services.export_blocks().await?);
        }
    }
    Ok(())
}

async fn nodes(state: &Node, command: NodesCommand) -> anyhow::Result<()> {
    let services = &state.services;
    match command {
        NodesCommand::Follow { domain: d } => {
            let d = domain(&d)?;
            let actor = services.resolve_node(&*state.resolver, &d).await?;
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
            for n in &known {
                let backfill = n
                    .following
                    .as_ref()
                    .map(|f| {
                        let b = &f.backfill;
                        format!(
                            "backfill {} ({} items, {} pages{}{})",
                            b.state.as_str(),
                            b.items,
                            b.pages,
                            b.ended_because()
                                .map(|why| format!(", ended: {why}"))
                                .unwrap_or_default(),
                            b.error
                                .as_ref()
                                .map(|e| format!(", last error: {e}"))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default();
                let mut state = Vec::new();
                if let Some(block) = &n.block {
                    state.push(format!("blocked ({})", block.severity.as_str()));
                }
                if n.allowed {
                    state.push("allowed".into());
                }
                if let Some(since) = n.unreachable_since {
                    state.push(format!(
                        "unreachable since {}",
                        since.and_utc().to_rfc3339()
                    ));
                }
                if n.backlog > 0 {
                    state.push(format!("{} deliveries waiting", n.backlog));
                }
                println!(
                    "{:<30} following: {:<9} followed by: {:<9} {} {}",
                    n.domain,
                    n.following_state(),
                    n.followed_by_state(),
                    backfill,
                    state.join(", ")
                );
            }
        }
    }
    Ok(())
}
