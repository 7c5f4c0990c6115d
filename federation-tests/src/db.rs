use diesel::connection::SimpleConnection;
use diesel::Connection;

/// A database for one test, removed when dropped.
///
/// `INTERCOOP_TEST_DATABASE_URL` unset: a SQLite file in a temporary folder.
/// Set to a `postgres://` URL of a role with CREATEDB: a fresh database
/// `intercoop_t_<random>` on that server, dropped afterwards.
pub struct TestDb {
    pub url: String,
    pg_admin: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestDb {
    /// PostgreSQL when `INTERCOOP_TEST_DATABASE_URL` is set, SQLite otherwise.
    pub fn new() -> TestDb {
        match std::env::var("INTERCOOP_TEST_DATABASE_URL") {
            Ok(admin) if !admin.trim().is_empty() => TestDb::postgres(&admin),
            _ => TestDb::sqlite(),
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        TestDb {
            url: dir
                .path()
                .join("intercoop.db")
                .to_string_lossy()
                .into_owned(),
            pg_admin: None,
            _dir: dir,
        }
    }

    /// A fresh database on the server `admin` points at (a role with CREATEDB).
    pub fn postgres(admin: &str) -> TestDb {
        let name = format!("intercoop_t_{}", random_hex());
        let mut conn = diesel::PgConnection::establish(admin)
            .unwrap_or_else(|e| panic!("INTERCOOP_TEST_DATABASE_URL: cannot connect: {e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("CREATE DATABASE (the test role needs CREATEDB)");
        let mut url = url::Url::parse(admin).expect("INTERCOOP_TEST_DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        TestDb {
            url: url.to_string(),
            pg_admin: Some((admin.to_string(), name)),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg_admin.is_some()
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_admin {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn random_hex() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}
