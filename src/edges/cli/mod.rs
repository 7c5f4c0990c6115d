//! The `intercoop` command line: serve, migrate, admin tasks, config check.
//! The commands are declared here; `app` runs them.
// The command line talks to people on stdout and stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod admin;
mod password;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::infra::config::ConfigValues;

#[derive(Parser)]
#[command(
    name = "intercoop",
    version,
    about = "A federated server where cooperatives publish what help they need and offer"
)]
pub struct Cli {
    /// A TOML configuration file.
    #[arg(long, env = "INTERCOOP_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub values: ConfigValues,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (applies migrations first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Node administration.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets masked), or what is wrong with it.
    Check,
}
