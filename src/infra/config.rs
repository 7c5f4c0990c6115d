//! Configuration: one key name everywhere. `public_url` in the TOML file is
//! `INTERCOOP_PUBLIC_URL` in the environment and `--public-url` on the
//! command line. Flags beat the environment, which beats the file, which
//! beats the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

use crate::infra::store::Backend;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "./data/intercoop.db";

/// Values as given by a source (file, or flags+environment); all optional.
#[derive(Debug, Default, Clone, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct ConfigValues {
    /// scheme://host[:port] that other servers and people use to reach this node.
    #[arg(long, env = "INTERCOOP_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Address and port to listen on.
    #[arg(long, env = "INTERCOOP_BIND", global = true)]
    pub bind: Option<String>,
    /// A SQLite file path, or a postgres:// URL.
    #[arg(long, env = "INTERCOOP_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Connections kept in the database pool.
    #[arg(long, env = "INTERCOOP_DATABASE_POOL_SIZE", global = true)]
    pub database_pool_size: Option<u32>,
    /// The node's name, shown to people and peers.
    #[arg(long, env = "INTERCOOP_NODE_NAME", global = true)]
    pub node_name: Option<String>,
    /// Log filter, e.g. "info" or "intercoop=debug,tower_http=info".
    #[arg(long, env = "INTERCOOP_LOG", global = true)]
    pub log: Option<String>,
    /// Development only: federate over plain http and with loopback hosts.
    #[arg(long, env = "INTERCOOP_DEV_MODE", global = true)]
    pub dev_mode: Option<bool>,
    /// Deliveries in flight at once to one destination host.
    #[arg(long, env = "INTERCOOP_DELIVERY_CONCURRENCY_PER_HOST", global = true)]
    pub delivery_concurrency_per_host: Option<u32>,
    /// Development only: host names resolved without DNS, "alpha.test=127.0.0.2,beta.test=127.0.0.3".
    #[arg(long, env = "INTERCOOP_DEV_HOSTS", global = true)]
    pub dev_hosts: Option<String>,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, env = "INTERCOOP_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<u32>,
    /// Seconds a client has to send a request's headers (also the longest
    /// an idle kept-alive connection waits for its next request).
    #[arg(long, env = "INTERCOOP_HEADER_TIMEOUT_SECS", global = true)]
    pub header_timeout_secs: Option<u64>,
    /// Seconds to read a request's body and answer it.
    #[arg(long, env = "INTERCOOP_REQUEST_TIMEOUT_SECS", global = true)]
    pub request_timeout_secs: Option<u64>,
    /// Seconds a connection may pass without a byte either way.
    #[arg(long, env = "INTERCOOP_IDLE_TIMEOUT_SECS", global = true)]
    pub idle_timeout_secs: Option<u64>,
    /// Password hashes computed at once (19 MiB of memory each).
    #[arg(long, env = "INTERCOOP_PASSWORD_HASH_CONCURRENCY", global = true)]
    pub password_hash_concurrency: Option<u32>,
    /// Sign-ins that may wait for a hashing slot; past it they get 503.
    #[arg(long, env = "INTERCOOP_PASSWORD_HASH_QUEUE", global = true)]
    pub password_hash_queue: Option<u32>,
    /// Header that a reverse proxy on this machine sets to the client's
    /// address (`X-Forwarded-For` or `X-Real-IP`); read only from loopback peers.
    #[arg(long, env = "INTERCOOP_CLIENT_ADDRESS_HEADER", global = true)]
    pub client_address_header: Option<String>,
    /// Serve actor, object and collection documents only to requests signed
    /// by a server this node federates with (Mastodon's secure mode).
    #[arg(long, env = "INTERCOOP_AUTHORIZED_FETCH", global = true)]
    pub authorized_fetch: Option<bool>,
    /// Let Mastodon apps sign in with OAuth's password grant (email and
    /// password sent by the app) besides the sign-in page.
    #[arg(long, env = "INTERCOOP_OAUTH_PASSWORD_GRANT", global = true)]
    pub oauth_password_grant: Option<bool>,
    /// Days the posts of followed accounts that are not needs or offers
    /// stay in home timelines.
    #[arg(long, env = "INTERCOOP_HOME_POSTS_DAYS", global = true)]
    pub home_posts_days: Option<u32>,
}

impl ConfigValues {
    /// Fields set in `over` replace those in `self`.
    fn overlay(self, over: ConfigValues) -> ConfigValues {
        ConfigValues {
            public_url: over.public_url.or(self.public_url),
            bind: over.bind.or(self.bind),
            database_url: over.database_url.or(self.database_url),
            database_pool_size: over.database_pool_size.or(self.database_pool_size),
            node_name: over.node_name.or(self.node_name),
            log: over.log.or(self.log),
            dev_mode: over.dev_mode.or(self.dev_mode),
            delivery_concurrency_per_host: over
                .delivery_concurrency_per_host
                .or(self.delivery_concurrency_per_host),
            dev_hosts: over.dev_hosts.or(self.dev_hosts),
            max_connections: over.max_connections.or(self.max_connections),
            header_timeout_secs: over.header_timeout_secs.or(self.header_timeout_secs),
            request_timeout_secs: over.request_timeout_secs.or(self.request_timeout_secs),
            idle_timeout_secs: over.idle_timeout_secs.or(self.idle_timeout_secs),
            password_hash_concurrency: over
                .password_hash_concurrency
                .or(self.password_hash_concurrency),
            password_hash_queue: over.password_hash_queue.or(self.password_hash_queue),
            client_address_header: over.client_address_header.or(self.client_address_header),
            authorized_fetch: over.authorized_fetch.or(self.authorized_fetch),
            oauth_password_grant: over.oauth_password_grant.or(self.oauth_password_grant),
            home_posts_days: over.home_posts_days.or(self.home_posts_days),
        }
    }
}

/// The effective, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub public_url: Url,
    pub bind: SocketAddr,
    pub database_url: String,
    pub database_pool_size: u32,
    pub node_name: String,
    pub log: String,
    pub dev_mode: bool,
    pub delivery_concurrency_per_host: u32,
    /// Development only: host names and the addresses they resolve to.
    pub dev_hosts: Vec<(String, std::net::IpAddr)>,
    /// What one client may hold of the node (docs/security.md).
    pub limits: ServerLimits,
    /// Documents only to signed requests of servers we federate with.
    pub authorized_fetch: bool,
    pub oauth_password_grant: bool,
    /// Days other posts of followed accounts are kept for home timelines.
    pub home_posts_days: u32,
    /// The file it was read from, if any.
    pub file: Option<PathBuf>,
}

/// Bounds on what clients may hold: connections, time, password hashing.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    pub max_connections: u32,
    pub header_timeout: std::time::Duration,
    pub request_timeout: std::time::Duration,
    pub idle_timeout: std::time::Duration,
    pub password_hash_concurrency: u32,
    pub password_hash_queue: u32,
    /// Lower-cased header name, or None to use the TCP peer's address.
    pub client_address_header: Option<String>,
}

fn bounded<T: PartialOrd + Copy + std::fmt::Display>(
    key: &'static str,
    value: Option<T>,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError> {
    let value = value.unwrap_or(default);
    if !range.contains(&value) {
        return Err(err(
            key,
            format!("must be between {} and {}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

impl ServerLimits {
    fn from_values(v: &ConfigValues) -> Result<ServerLimits, ConfigError> {
        let secs = |key, value, default| {
            bounded(key, value, default, 1..=3600).map(std::time::Duration::from_secs)
        };
        let client_address_header = match v.client_address_header.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => {
                let name = name.to_ascii_lowercase();
                if !["x-forwarded-for", "x-real-ip"].contains(&name.as_str()) {
                    return Err(err(
                        "client_address_header",
                        "expected X-Forwarded-For or X-Real-IP",
                    ));
                }
                Some(name)
            }
        };
        Ok(ServerLimits {
            max_connections: bounded("max_connections", v.max_connections, 1024, 1..=100_000)?,
            header_timeout: secs("header_timeout_secs", v.header_timeout_secs, 10)?,
            request_timeout: secs("request_timeout_secs", v.request_timeout_secs, 30)?,
            idle_timeout: secs("idle_timeout_secs", v.idle_timeout_secs, 60)?,
            password_hash_concurrency: bounded(
                "password_hash_concurrency",
                v.password_hash_concurrency,
                2,
                1..=64,
            )?,
            password_hash_queue: bounded(
                "password_hash_queue",
                v.password_hash_queue,
                32,
                0..=10_000,
            )?,
            client_address_header,
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "invalid configuration: {key} (file key `{key}`, environment {env}, flag --{flag}): {message}"
)]
pub struct ConfigError {
    pub key: &'static str,
    pub env: String,
    pub flag: String,
    pub message: String,
}

fn err(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        key,
        env: format!("INTERCOOP_{}", key.to_uppercase()),
        flag: key.replace('_', "-"),
        message: message.into(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read configuration file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

impl Config {
    /// Reads the optional file and lays `cli` (flags and environment) over it.
    pub fn load(file: Option<&Path>, cli: ConfigValues) -> Result<Config, LoadError> {
        let from_file = match file {
            None => ConfigValues::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| LoadError::File {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
                toml::from_str(&text).map_err(|e| LoadError::File {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?
            }
        };
        let mut config = Config::from_values(from_file.overlay(cli))?;
        config.file = file.map(Path::to_path_buf);
        Ok(config)
    }

    pub fn from_values(v: ConfigValues) -> Result<Config, ConfigError> {
        let limits = ServerLimits::from_values(&v)?;
        let bind_text = v.bind.unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind: SocketAddr = bind_text.trim().parse().map_err(|_| {
            err(
                "bind",
                format!("expected address:port such as 127.0.0.1:8080, got '{bind_text}'"),
            )
        })?;
        let public_url = match v.public_url {
            Some(text) => parse_public_url(&text)?,
            // Zero configuration: reachable on this machine at the bound port.
            None => parse_public_url(&format!("http://localhost:{}", bind.port()))?,
        };
        let database_url = v
            .database_url
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string())
            .trim()
            .to_string();
        if database_url.is_empty() {
            return Err(err("database_url", "must not be empty"));
        }
        if database_url.contains("://")
            && !database_url.starts_with("sqlite://")
            && Backend::of_url(&database_url) != Backend::Postgres
        {
            return Err(err(
                "database_url",
                "expected a SQLite file path or a postgres:// URL",
            ));
        }
        let database_pool_size =
            v.database_pool_size
                .unwrap_or(match Backend::of_url(&database_url) {
                    Backend::Sqlite => 8,
                    Backend::Postgres => 10,
                });
        if !(1..=200).contains(&database_pool_size) {
            return Err(err("database_pool_size", "must be between 1 and 200"));
        }
        let node_name = v
            .node_name
            .unwrap_or_else(|| "Intercoop".to_string())
            .trim()
            .to_string();
        if node_name.is_empty() || node_name.chars().count() > 100 {
            return Err(err("node_name", "must be 1 to 100 characters"));
        }
        let log = v.log.unwrap_or_else(|| "info".to_string());
        if tracing_subscriber::EnvFilter::try_new(&log).is_err() {
            return Err(err("log", format!("'{log}' is not a valid log filter")));
        }
        let delivery_concurrency_per_host = v.delivery_concurrency_per_host.unwrap_or(2);
        if !(1..=64).contains(&delivery_concurrency_per_host) {
            return Err(err(
                "delivery_concurrency_per_host",
                "must be between 1 and 64",
            ));
        }
        let dev_mode = v.dev_mode.unwrap_or(false);
        let dev_hosts = parse_dev_hosts(v.dev_hosts.as_deref().unwrap_or(""))?;
        if !dev_hosts.is_empty() && !dev_mode {
            return Err(err(
                "dev_hosts",
                "is only honoured in development mode; set dev_mode = true or remove it",
            ));
        }
        let home_posts_days = v.home_posts_days.unwrap_or(14);
        if !(1..=365).contains(&home_posts_days) {
            return Err(err("home_posts_days", "must be between 1 and 365"));
        }
        Ok(Config {
            public_url,
            bind,
            database_url,
            database_pool_size,
            node_name,
            log,
            dev_mode,
            delivery_concurrency_per_host,
            dev_hosts,
            limits,
            authorized_fetch: v.authorized_fetch.unwrap_or(false),
            oauth_password_grant: v.oauth_password_grant.unwrap_or(true),
            home_posts_days,
            file: None,
        })
    }

    /// The run-time settings as this configuration gives them; an admin's
    /// saved changes are laid over these.
    pub fn settings_defaults(&self) -> crate::domain::node_settings::NodeSettings {
        crate::domain::node_settings::NodeSettings {
            oauth_password_grant: self.oauth_password_grant,
            authorized_fetch: self.authorized_fetch,
            home_posts_days: self.home_posts_days,
            ..Default::default()
        }
    }

    /// The host (and port, when not the default) as used in `@handle@domain`.
    pub fn domain(&self) -> String {
        crate::domain::urls::Urls::new(&self.public_url).domain()
    }

    /// The configuration as TOML, with the database password masked.
    pub fn to_masked_toml(&self) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        format!(
            "# effective configuration{}\npublic_url = {}\nbind = {}\ndatabase_url = {}\ndatabase_pool_size = {}\nnode_name = {}\nlog = {}\ndev_mode = {}\ndelivery_concurrency_per_host = {}\ndev_hosts = {}\nmax_connections = {}\nheader_timeout_secs = {}\nrequest_timeout_secs = {}\nidle_timeout_secs = {}\npassword_hash_concurrency = {}\npassword_hash_queue = {}\nclient_address_header = {}\nauthorized_fetch = {}\noauth_password_grant = {}\nhome_posts_days = {}\n",
            self.file
                .as_ref()
                .map(|f| format!(" (file: {})", f.display()))
                .unwrap_or_default(),
            q(self.public_url.as_str().trim_end_matches('/')),
            q(&self.bind.to_string()),
            q(&mask_password(&self.database_url)),
            self.database_pool_size,
            q(&self.node_name),
            q(&self.log),
            self.dev_mode,
            self.delivery_concurrency_per_host,
            q(&self
                .dev_hosts
                .iter()
                .map(|(h, ip)| format!("{h}={ip}"))
                .collect::<Vec<_>>()
                .join(",")),
            self.limits.max_connections,
            self.limits.header_timeout.as_secs(),
            self.limits.request_timeout.as_secs(),
            self.limits.idle_timeout.as_secs(),
            self.limits.password_hash_concurrency,
            self.limits.password_hash_queue,
            q(self.limits.client_address_header.as_deref().unwrap_or("")),
            self.authorized_fetch,
            self.oauth_password_grant,
            self.home_posts_days,
        )
    }
}

fn parse_dev_hosts(text: &str) -> Result<Vec<(String, std::net::IpAddr)>, ConfigError> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let parsed = item.split_once('=').and_then(|(host, ip)| {
            let host = host.trim().to_ascii_lowercase();
            let ip: std::net::IpAddr = ip.trim().parse().ok()?;
            (!host.is_empty()).then_some((host, ip))
        });
        match parsed {
            Some(pair) => out.push(pair),
            None => {
                return Err(err(
                    "dev_hosts",
                    format!("expected host=ip entries separated by commas, got '{item}'"),
                ))
            }
        }
    }
    Ok(out)
}

fn parse_public_url(text: &str) -> Result<Url, ConfigError> {
    let text = text.trim();
    let url =
        Url::parse(text).map_err(|e| err("public_url", format!("'{text}' is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err(
            "public_url",
            format!("scheme must be http or https, got '{}'", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(err("public_url", "must name a host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(err(
            "public_url",
            format!("must be scheme://host[:port] with no path, got '{text}'"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err("public_url", "must not contain credentials"));
    }
    Ok(url)
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn mask_password(database_url: &str) -> String {
    match Url::parse(database_url) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => database_url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_configuration_defaults() {
        let c = Config::from_values(ConfigValues::default()).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url.as_str(), "http://localhost:8080/");
        assert_eq!(c.database_url, "./data/intercoop.db");
        assert_eq!(c.domain(), "localhost:8080");
    }

    #[test]
    fn default_public_url_follows_the_bound_port() {
        let c = Config::from_values(ConfigValues {
            bind: Some("127.0.0.1:9000".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.public_url.as_str(), "http://localhost:9000/");
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (
                ConfigValues {
                    public_url: Some("ftp://x.org".into()),
                    ..Default::default()
                },
                "public_url",
            ),
            (
                ConfigValues {
                    public_url: Some("https://x.org/path".into()),
                    ..Default::default()
                },
                "public_url",
            ),
            (
                ConfigValues {
                    bind: Some("localhost".into()),
                    ..Default::default()
                },
                "bind",
            ),
            (
                ConfigValues {
                    database_url: Some("mysql://x".into()),
                    ..Default::default()
                },
                "database_url",
            ),
            (
                ConfigValues {
                    database_pool_size: Some(0),
                    ..Default::default()
                },
                "database_pool_size",
            ),
            (
                ConfigValues {
                    delivery_concurrency_per_host: Some(0),
                    ..Default::default()
                },
                "delivery_concurrency_per_host",
            ),
            (
                ConfigValues {
                    max_connections: Some(0),
                    ..Default::default()
                },
                "max_connections",
            ),
            (
                ConfigValues {
                    header_timeout_secs: Some(0),
                    ..Default::default()
                },
                "header_timeout_secs",
            ),
            (
                ConfigValues {
                    password_hash_concurrency: Some(0),
                    ..Default::default()
                },
                "password_hash_concurrency",
            ),
            (
                ConfigValues {
                    client_address_header: Some("Forwarded".into()),
                    ..Default::default()
                },
                "client_address_header",
            ),
        ];
        for (values, key) in cases {
            let e = Config::from_values(values).unwrap_err();
            assert_eq!(e.key, key);
            let text = e.to_string();
            assert!(
                text.contains(&format!("INTERCOOP_{}", key.to_uppercase())),
                "{text}"
            );
        }
    }

    #[test]
    fn flags_and_environment_beat_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intercoop.toml");
        std::fs::write(
            &path,
            "public_url = \"https://file.example\"\nnode_name = \"From file\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&path),
            ConfigValues {
                public_url: Some("https://flag.example".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(c.public_url.as_str(), "https://flag.example/");
        assert_eq!(c.node_name, "From file");
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intercoop.toml");
        std::fs::write(&path, "publik_url = \"https://x.org\"\n").unwrap();
        let e = Config::load(Some(&path), ConfigValues::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("publik_url"), "{e}");
    }

    #[test]
    fn masks_database_password() {
        assert_eq!(
            mask_password("postgres://coop:s3cret@db:5432/intercoop"),
            "postgres://coop:***@db:5432/intercoop"
        );
        assert_eq!(mask_password("./data/intercoop.db"), "./data/intercoop.db");
    }
}
