//! Client libraries we did not write (Mastodon.py, masto) driving two nodes
//! through a script of their own: the nodes, a coop on each, and the
//! script's run with both in its environment.

use std::path::Path;
use std::time::Duration;

use tokio::process::Command;

use crate::Node;

/// The whole script's bound: its own waits are 30 s each.
const SCRIPT_LIMIT: Duration = Duration::from_secs(600);

/// Starts `alpha` (coop `giver`) and `beta` (coop `seeker`) on
/// 127.0.0.`octets`, runs `program script` in `dir` with their addresses,
/// sign-ins and native tokens in the environment (`ALPHA`, `BETA`,
/// `RESOLVE`, `PASSWORD`, `ALPHA_EMAIL`, `BETA_EMAIL`,
/// `ALPHA_NATIVE_TOKEN`, `BETA_NATIVE_TOKEN`), and fails unless it ends
/// with "all steps passed".
pub async fn run_against_two_nodes(program: &Path, script: &str, dir: &Path, octets: (u8, u8)) {
    assert!(
        program.exists(),
        "{} is missing: prepare {} as .ci/run does",
        program.display(),
        dir.display()
    );
    let nodes = Node::start_all(&[("alpha", octets.0), ("beta", octets.1)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let giver = alpha.coop("giver").await;
    let seeker = beta.coop("seeker").await;
    let run = Command::new(program)
        .arg(script)
        .current_dir(dir)
        .env("ALPHA", alpha.public_url())
        .env("BETA", beta.public_url())
        .env(
            "RESOLVE",
            format!("alpha.test={},beta.test={}", alpha.ip, beta.ip),
        )
        .env("PASSWORD", "a test password")
        .env("ALPHA_EMAIL", format!("giver@{}", alpha.host()))
        .env("BETA_EMAIL", format!("seeker@{}", beta.host()))
        .env("ALPHA_NATIVE_TOKEN", &giver)
        .env("BETA_NATIVE_TOKEN", &seeker)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(SCRIPT_LIMIT, run)
        .await
        .expect("the script finished in time")
        .expect("run the script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("all steps passed"),
        "{script} failed:\n{stdout}\n{stderr}"
    );
}
