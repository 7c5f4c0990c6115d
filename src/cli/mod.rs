//! The `intercoop` command line: serve, migrate, admin tasks, config check.

mod admin;
mod password;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigValues};

#[derive(Parser)]
#[command(
    name = "intercoop",
    version,
    about = "A federated server where cooperatives publish what help they need and offer"
)]
struct Cli {
    /// A TOML configuration file.
    #[arg(long, env = "INTERCOOP_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(flatten)]
    values: ConfigValues,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
enum ConfigCommand {
    /// Print the effective configuration (secrets masked), or what is wrong with it.
    Check,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), cli.values) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Command::Config {
        command: ConfigCommand::Check,
    } = cli.command
    {
        print!("{}", config.to_masked_toml());
        return ExitCode::SUCCESS;
    }
    init_logging(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve => crate::server::serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::Admin { command } => admin::run(config, command).await,
            Command::Config { .. } => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to stderr so command output on stdout stays clean for scripts.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let (_, applied) =
        tokio::task::spawn_blocking(move || crate::server::open_database(&config, 1)).await??;
    println!("{applied} migration(s) applied");
    Ok(())
}
