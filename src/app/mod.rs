//! The composition root: reads the command line and the configuration,
//! builds the layers and runs what was asked (serve, migrate, an admin
//! command, a configuration check). The only module that may import every
//! layer.
// The command line talks to people on stdout and stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod connections;
pub mod server;
mod tasks;

use std::process::ExitCode;

use clap::Parser;

use crate::edges::cli::{Cli, Command, ConfigCommand};
use crate::infra::config::Config;

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
            Command::Serve => server::serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::Admin { command } => {
                crate::edges::cli::admin::run(command, async || {
                    let node = server::prepare(&config).await?;
                    Ok(crate::edges::cli::admin::Node {
                        services: node.state.services,
                        resolver: node.state.resolver,
                    })
                })
                .await
            }
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
        tokio::task::spawn_blocking(move || server::open_database(&config, 1)).await??;
    println!("{applied} migration(s) applied");
    Ok(())
}
