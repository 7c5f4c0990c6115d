//! The database handle itself, on SQLite or PostgreSQL (see
//! federation-tests' TestDb): grouped writes share a commit on PostgreSQL,
//! yet each is all-or-nothing on its own.

use federation_tests::TestDb;
use intercoop::store::{settings, Db, StoreError};

#[derive(Debug)]
enum Failed {
    Store(StoreError),
    OnPurpose,
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Self {
        Failed::Store(e)
    }
}

impl From<diesel::result::Error> for Failed {
    fn from(e: diesel::result::Error) -> Self {
        Failed::Store(e.into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn grouped_writes_commit_together_and_fail_alone() {
    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 4).expect("connect");
    db.migrate().expect("migrate");
    // Many writes at once, so that they share transactions. Every fifth
    // writes and then fails; every seventh (of the others) runs a statement
    // the database refuses. Each must undo its own write only, and the
    // refused statement must not spoil the shared transaction.
    let writes = (0..200).map(|i| {
        let db = db.clone();
        tokio::spawn(async move {
            db.write_grouped(move |conn| {
                settings::set(conn, &format!("k{i}"), "v")?;
                if i % 5 == 0 {
                    return Err(Failed::OnPurpose);
                }
                if i % 7 == 0 {
                    use diesel::RunQueryDsl;
                    diesel::sql_query(format!(
                        "INSERT INTO node_settings (name, value) VALUES ('k{i}', 'twice')"
                    ))
                    .execute(conn)?;
                }
                Ok::<_, Failed>(i)
            })
            .await
        })
    });
    let (mut ok, mut refused) = (0, 0);
    for (i, w) in writes.enumerate() {
        match w.await.expect("task") {
            Ok(n) => {
                assert_eq!(n, i);
                ok += 1;
            }
            Err(Failed::OnPurpose) => assert_eq!(i % 5, 0),
            Err(Failed::Store(StoreError::Conflict)) => {
                assert_eq!(i % 7, 0);
                refused += 1;
            }
            Err(Failed::Store(e)) => panic!("write {i}: {e}"),
        }
    }
    assert_eq!((ok, refused), (137, 23));
    let kept = db
        .read(|conn| {
            let mut kept = Vec::new();
            for i in 0..200 {
                if settings::get(conn, &format!("k{i}"))?.is_some() {
                    kept.push(i);
                }
            }
            Ok::<_, StoreError>(kept)
        })
        .await
        .expect("read");
    assert_eq!(kept.len(), 137);
    assert!(kept.iter().all(|i| i % 5 != 0 && i % 7 != 0), "{kept:?}");
}

#[derive(diesel::QueryableByName)]
struct Setting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

/// Every pooled connection gets the session settings: SQLite its pragmas,
/// PostgreSQL no JIT (compiling a misestimated short query costs more
/// than running it).
#[tokio::test]
async fn connections_get_the_session_settings() {
    use diesel::RunQueryDsl;
    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    let backend = db.backend();
    let (name, expected) = match backend {
        intercoop::store::Backend::Sqlite => (
            "SELECT journal_mode AS value FROM pragma_journal_mode()",
            "wal",
        ),
        intercoop::store::Backend::Postgres => ("SELECT current_setting('jit') AS value", "off"),
    };
    let value = db
        .read(move |conn| {
            diesel::sql_query(name)
                .get_result::<Setting>(conn)
                .map_err(StoreError::from)
        })
        .await
        .expect("setting")
        .value;
    assert_eq!(value.to_lowercase(), expected, "{name}");
}
