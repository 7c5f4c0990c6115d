//! The `intercoop` binary as an operator uses it.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestDb;

fn intercoop(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercoop"));
    cmd.current_dir(dir);
    // Start from a clean environment so a developer's settings do not leak in.
    for (key, _) in std::env::vars() {
        if key.starts_with("INTERCOOP_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

fn run(cmd: &mut Command, stdin: Option<&str>) -> (i32, String, String) {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn intercoop");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn config_check_prints_the_effective_configuration_with_secrets_masked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("node.toml"),
        "node_name = \"FACTTIC\"\nbind = \"127.0.0.1:9100\"\n",
    )
    .unwrap();
    let (code, out, err) = run(
        intercoop(dir.path())
            .args(["--config", "node.toml", "config", "check"])
            .env(
                "INTERCOOP_DATABASE_URL",
                "postgres://coop:s3cret@db.internal/intercoop",
            ),
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("node_name = \"FACTTIC\""), "{out}");
    assert!(out.contains("bind = \"127.0.0.1:9100\""), "{out}");
    assert!(
        out.contains("public_url = \"http://localhost:9100\""),
        "{out}"
    );
    assert!(
        out.contains("postgres://coop:***@db.internal/intercoop"),
        "{out}"
    );
    assert!(!out.contains("s3cret") && !err.contains("s3cret"));
}

#[test]
fn invalid_configuration_fails_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        intercoop(dir.path())
            .args(["config", "check"])
            .env("INTERCOOP_PUBLIC_URL", "coops.example"),
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("INTERCOOP_PUBLIC_URL"), "{err}");
    let (code, _, err) = run(
        intercoop(dir.path()).args(["serve", "--bind", "nowhere"]),
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("--bind"), "{err}");
    let (code, _, err) = run(
        intercoop(dir.path()).args(["--config", "missing.toml", "serve"]),
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn admin_commands_create_accounts_and_refuse_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let admin = |args: &[&str], env: &[(&str, &str)], stdin: Option<&str>| {
        let mut cmd = intercoop(dir.path());
        cmd.env("INTERCOOP_DATABASE_URL", &db.url)
            .arg("admin")
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd, stdin)
    };

    let (code, out, err) = admin(
        &[
            "create-coop",
            "fiqus",
            "--name",
            "Fiqus",
            "--email",
            "ana@fiqus.coop",
            "--password-stdin",
        ],
        &[],
        Some("a long enough password\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("@fiqus@localhost:8080"), "{out}");
    assert!(
        !err.contains("a long enough password"),
        "passwords are never logged"
    );

    let (code, _, err) = admin(
        &[
            "create-coop",
            "fiqus",
            "--name",
            "Other",
            "--email",
            "other@fiqus.coop",
        ],
        &[("INTERCOOP_PASSWORD", "another long password")],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("handle 'fiqus' is already taken"), "{err}");

    let (code, _, err) = admin(
        &[
            "create-admin",
            "--email",
            "ANA@fiqus.coop",
            "--password",
            "yet another password",
        ],
        &[],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("already registered"), "{err}");

    let (code, _, err) = admin(
        &[
            "create-admin",
            "--email",
            "root@node.coop",
            "--password",
            "short",
        ],
        &[],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("password"), "{err}");

    let (code, _, err) = admin(&["create-admin", "--email", "root@node.coop"], &[], None);
    assert_eq!(code, 1, "no password from anywhere is an error");
    assert!(err.contains("no password given"), "{err}");

    let (code, out, err) = admin(
        &[
            "create-admin",
            "--email",
            "root@node.coop",
            "--password-stdin",
        ],
        &[],
        Some("root password here\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("root@node.coop"), "{out}");
}

#[test]
fn admin_blocks_and_policy_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let admin = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = intercoop(dir.path());
        cmd.env("INTERCOOP_DATABASE_URL", &db.url)
            .arg("admin")
            .args(args);
        run(&mut cmd, stdin)
    };
    let (code, out, err) = admin(
        &[
            "blocks",
            "add",
            "Spam.Example",
            "--severity",
            "suspend",
            "--comment",
            "spam",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("spam.example blocked (suspend)"), "{out}");
    let (code, _, err) = admin(&["blocks", "add", "x.example", "--severity", "ban"], None);
    assert_ne!(code, 0);
    assert!(err.contains("suspend or limit"), "{err}");
    // A Mastodon list on standard input.
    let (code, out, err) = admin(
        &["blocks", "import", "-"],
        Some("#domain,#severity\nloud.example,silence\nspam.example,suspend\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("1 domains blocked, 1 already blocked"),
        "{out}"
    );
    let (code, out, _) = admin(&["blocks", "export"], None);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
         loud.example,silence,false,false,,false\n\
         spam.example,suspend,false,false,spam,false\n"
    );
    let (code, _, err) = admin(&["blocks", "import", "-"], Some("not a domain\n"));
    assert_ne!(code, 0);
    assert!(err.contains("line 1"), "{err}");
    let (code, _, _) = admin(&["blocks", "remove", "loud.example"], None);
    assert_eq!(code, 0);
    let (_, out, _) = admin(&["blocks", "list"], None);
    assert!(
        out.starts_with("spam.example") && !out.contains("loud"),
        "{out}"
    );

    let (code, out, err) = admin(&["policy", "allowlist"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("federation mode: allowlist"), "{out}");
    let (code, _, err) = admin(&["policy", "closed"], None);
    assert_ne!(code, 0);
    assert!(err.contains("open or allowlist"), "{err}");
    let (code, _, _) = admin(&["allow", "add", "friends.example"], None);
    assert_eq!(code, 0);
    let (_, out, _) = admin(&["allow", "list"], None);
    assert_eq!(out, "friends.example\n");
    let (_, out, _) = admin(&["actions"], None);
    for action in [
        "blocks.add",
        "blocks.import",
        "blocks.remove",
        "policy.mode",
        "allows.add",
    ] {
        assert!(out.contains(action), "{action} missing from:\n{out}");
    }
}

#[test]
fn migrate_applies_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let (code, out, err) = run(
        intercoop(dir.path())
            .arg("migrate")
            .env("INTERCOOP_DATABASE_URL", &db.url),
        None,
    );
    assert_eq!(code, 0, "{err}");
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert!(shipped >= 1);
    assert!(
        out.starts_with(&format!("{shipped} migration(s) applied")),
        "{out}"
    );
    let (code, out, _) = run(
        intercoop(dir.path())
            .arg("migrate")
            .env("INTERCOOP_DATABASE_URL", &db.url),
        None,
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("0 migration(s) applied"), "{out}");
}

#[test]
fn a_bad_database_url_gives_the_drivers_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        intercoop(dir.path()).arg("migrate").env(
            "INTERCOOP_DATABASE_URL",
            "postgres://nobody:wrong@127.0.0.1:1/none",
        ),
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("cannot open the database"), "{err}");
    assert!(
        err.contains("127.0.0.1"),
        "the driver's own message is kept: {err}"
    );
}

/// `intercoop serve` with no configuration: SQLite under ./data, migrations
/// at start. Only the port is changed (0 = any free one) so the test cannot
/// collide with a node already on 8080.
#[test]
fn serve_starts_with_zero_configuration_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = intercoop(dir.path())
        .args(["serve"])
        .env("INTERCOOP_BIND", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut address = None;
    while started.elapsed() < Duration::from_secs(60) {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.split("listening on http://").nth(1) {
            address = rest.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    let address = address.expect("serve logged its address");
    let body = http_get(&address, "/api/intercoop/v1/health");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    assert!(body.contains("\"database\":\"sqlite\""), "{body}");
    assert!(
        dir.path().join("data/intercoop.db").exists(),
        "default database under ./data"
    );

    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "clean exit on SIGTERM: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn http_get(address: &str, path: &str) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
