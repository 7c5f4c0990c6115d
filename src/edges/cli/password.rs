//! Where a password given to the CLI comes from: a flag, an environment
//! variable, standard input, or a prompt, so it need not sit in shell history.

use std::io::{BufRead, IsTerminal};

#[derive(clap::Args)]
pub struct PasswordArgs {
    /// The password (prefer INTERCOOP_PASSWORD or --password-stdin: flags end up in shell history).
    #[arg(long, env = "INTERCOOP_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long, conflicts_with = "password")]
    password_stdin: bool,
}

impl PasswordArgs {
    pub fn read(self) -> anyhow::Result<String> {
        if let Some(p) = self.password {
            return Ok(p);
        }
        if self.password_stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            return Ok(line.trim_end_matches(['\r', '\n']).to_string());
        }
        if std::io::stdin().is_terminal() {
            let first = rpassword::prompt_password("Password: ")?;
            let again = rpassword::prompt_password("Password again: ")?;
            if first != again {
                anyhow::bail!("the two passwords differ");
            }
            return Ok(first);
        }
        anyhow::bail!("no password given: use --password-stdin, INTERCOOP_PASSWORD or --password")
    }
}
