//! The database handle itself, on SQLite or PostgreSQL (see
//! federation-tests' TestDb): grouped writes share a commit on PostgreSQL,
//! yet each is all-or-nothing on its own.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use federation_tests::TestDb;
use intercoop::domain::matching::Changed;
use intercoop::infra::store::{settings, Db, StoreError};

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
    // refused statement must not spoil the shared transaction. Every
    // eleventh (of the rest) ignores a refused statement and says it
    // succeeded: PostgreSQL has aborted its work by then, so it must fail
    // alone rather than have the shared commit roll everything back.
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
                if i % 11 == 0 {
                    use diesel::RunQueryDsl;
                    let refused = diesel::sql_query(format!(
                        "INSERT INTO node_settings (name, value) VALUES ('k{i}', 'again')"
                    ))
                    .execute(conn);
                    assert!(refused.is_err());
                }
                Ok::<_, Failed>(i)
            })
            .await
        })
    });
    let postgres = db.backend() == intercoop::infra::store::Backend::Postgres;
    let (mut ok, mut refused, mut aborted) = (0, 0, 0);
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
            Err(Failed::Store(StoreError::Database(m))) if postgres && i % 11 == 0 => {
                assert!(m.contains("aborted"), "write {i}: {m}");
                aborted += 1;
            }
            Err(Failed::Store(e)) => panic!("write {i}: {e}"),
        }
    }
    // SQLite carries on after a refused statement; PostgreSQL does not.
    let expected = if postgres {
        (124, 23, 13)
    } else {
        (137, 23, 0)
    };
    assert_eq!((ok, refused, aborted), expected);
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
    assert_eq!(kept.len(), expected.0);
    assert!(
        kept.iter()
            .all(|i| i % 5 != 0 && i % 7 != 0 && !(postgres && i % 11 == 0)),
        "{kept:?}"
    );
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
        intercoop::infra::store::Backend::Sqlite => (
            "SELECT journal_mode AS value FROM pragma_journal_mode()",
            "wal",
        ),
        intercoop::infra::store::Backend::Postgres => {
            ("SELECT current_setting('jit') AS value", "off")
        }
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

/// The matching journal is filled by triggers on both backends: every
/// insert, update and delete of the tables matching reads, in order; the
/// changed rows read back by id, and what is gone is not found.
#[tokio::test]
async fn triggers_fill_the_matching_journal() {
    use diesel::connection::SimpleConnection;
    use intercoop::infra::store::matching;

    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    db.migrate().expect("migrate");
    let head = db.read(matching::journal_head).await.expect("head");
    let (entries, found, gone) = db
        .write(move |conn| {
            conn.batch_execute(
                "INSERT INTO coops (id, handle, display_name, about, about_html, languages, sectors, \
                 networks, public_contact, private_contact, created_at, updated_at, \
                 manually_approves_followers) VALUES ('c1', 'one', 'One', '', '', '[\"es\"]', '[]', \
                 '[]', '{}', '{}', '2026-11-22 10:00:00', '2026-11-22 10:00:00', false);
                 INSERT INTO proposals (id, coop_id, kind, category, title, description, \
                 description_html, tags, remote, status, search_text, created_at, updated_at) VALUES \
                 ('p1', 'c1', 'need', 'technical', 'Hosting', '', '', '[]', false, 'open', '', \
                 '2026-11-22 10:00:00', '2026-11-22 10:00:00'), \
                 ('p2', 'c1', 'offer', 'technical', 'Design', '', '', '[]', true, 'open', '', \
                 '2026-11-22 10:00:00', '2026-11-22 10:00:00');
                 UPDATE proposals SET title = 'Web hosting' WHERE id = 'p1';
                 UPDATE proposals SET status = 'closed' WHERE id = 'p2';",
            )
            .map_err(StoreError::from)?;
            let entries = matching::journal_after(conn, head, 100)?;
            let ids = vec!["p1".to_string(), "p2".to_string(), "p3".to_string()];
            let found = matching::documents_by_id(conn, true, &ids)?;
            conn.batch_execute("DELETE FROM coops WHERE id = 'c1'")
                .map_err(StoreError::from)?;
            let gone = matching::documents_by_id(conn, true, &ids)?;
            Ok::<_, StoreError>((entries, found, gone))
        })
        .await
        .expect("writes");
    let seen: Vec<Option<Changed>> = entries.iter().map(|e| e.changed.clone()).collect();
    let proposal = |id: &str| Some(Changed::Proposal(id.into()));
    let expected = vec![
        Some(Changed::Coop("c1".into())),
        proposal("p1"),
        proposal("p2"),
        proposal("p1"),
        proposal("p2"),
    ];
    assert_eq!(seen, expected);
    assert!(entries.windows(2).all(|w| w[0].seq < w[1].seq));
    // Only the open one reads back; the closed one and the unknown do not.
    assert_eq!(
        found
            .iter()
            .map(|r| (r.id.as_str(), r.title.as_str()))
            .collect::<Vec<_>>(),
        [("p1", "Web hosting")]
    );
    assert_eq!(found[0].remote, Some(false));
    // The cascade from the coop removed its proposals, and said so.
    assert!(gone.is_empty());
    let after = db.read(matching::journal_head).await.expect("head");
    assert_eq!(after - head, 8, "the coop and its two proposals deleted");

    // The proposals' changes wait to be notified until marked so, and the
    // journal is not pruned of those still waiting.
    let (waiting, marked, left) = db
        .write(move |conn| {
            let waiting = matching::journal_to_notify(conn, after, 100)?;
            let marked: Vec<i64> = waiting.iter().take(4).map(|e| e.seq).collect();
            matching::record_notified(conn, &[], &marked)?;
            matching::prune_journal(conn, 0)?;
            let left = matching::journal_after(conn, head, 100)?;
            Ok::<_, StoreError>((waiting, marked, left))
        })
        .await
        .expect("notify");
    let waiting: Vec<(i64, Option<Changed>)> = waiting
        .into_iter()
        .filter(|e| e.seq > head)
        .map(|e| (e.seq, e.changed))
        .collect();
    assert_eq!(
        waiting.iter().map(|w| w.1.clone()).collect::<Vec<_>>(),
        [
            proposal("p1"),
            proposal("p2"),
            proposal("p1"),
            proposal("p2"),
            proposal("p1"),
            proposal("p2")
        ],
        "only proposals, not the coop"
    );
    assert_eq!(marked, waiting[..4].iter().map(|w| w.0).collect::<Vec<_>>());
    assert_eq!(
        left.iter().map(|e| e.seq).collect::<Vec<_>>(),
        waiting[4..].iter().map(|w| w.0).collect::<Vec<_>>(),
        "what is done (and the coop's entries) is pruned, what waits is kept"
    );
}

#[tokio::test]
async fn one_open_introduction_per_asker_and_proposal_and_a_decline_forgets_contacts() {
    use diesel::connection::SimpleConnection;
    use intercoop::domain::coop::ContactDetails;
    use intercoop::domain::introduction::{Introduction, IntroductionState, Party};
    use intercoop::domain::proposal::ProposalKind;
    use intercoop::infra::store::introductions;

    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    db.migrate().expect("migrate");
    let intro = |id: &str| Introduction {
        id: id.into(),
        ap_id: format!("https://remote.test/offers/{id}"),
        from: Party::Remote("a1".into()),
        to: Party::Local("c1".into()),
        proposal_ap_id: "https://coops.test/proposals/p1".into(),
        proposal_id: Some("p1".into()),
        proposal_kind: ProposalKind::Need,
        proposal_title: "Hosting".into(),
        message: "Hi".into(),
        state: IntroductionState::Pending,
        contacts: Some(ContactDetails {
            email: Some("ana@remote.test".into()),
            ..Default::default()
        }),
        created_at: intercoop::domain::time::now(),
        answered_at: None,
        gathering_id: None,
        from_accepted: true,
        to_accepted: false,
    };
    let (i1, i2) = (intro("i1"), intro("i2"));
    let (twice, declined, stored, again) = db
        .write(move |conn| {
            conn.batch_execute(
                "INSERT INTO coops (id, handle, display_name, about, about_html, languages, sectors, \
                 networks, public_contact, private_contact, created_at, updated_at, \
                 manually_approves_followers) VALUES ('c1', 'one', 'One', '', '', '[]', '[]', \
                 '[]', '{}', '{}', '2026-11-22 10:00:00', '2026-11-22 10:00:00', false);
                 INSERT INTO remote_actors (id, ap_id, kind, username, host, display_name, \
                 summary_html, inbox, public_key_pem, fetched_at, languages) VALUES ('a1', \
                 'https://remote.test/users/ana', 'Person', 'ana', 'remote.test', 'Ana', '', \
                 'https://remote.test/users/ana/inbox', '', '2026-11-22 10:00:00', '[]');",
            )
            .map_err(StoreError::from)?;
            introductions::insert(conn, &i1)?;
            // The unique index holds even when a service's own check raced
            // (in a savepoint: PostgreSQL aborts the transaction otherwise).
            let twice = diesel::Connection::transaction::<_, StoreError, _>(conn, |c| {
                introductions::insert(c, &i2)
            })
            .err();
            let declined = introductions::answer(
                conn,
                "i1",
                IntroductionState::Declined,
                None,
                intercoop::domain::time::now(),
            )?;
            let stored = introductions::by_id(conn, "i1")?;
            introductions::insert(conn, &i2)?;
            let again = introductions::answer(
                conn,
                "i1",
                IntroductionState::Accepted,
                None,
                intercoop::domain::time::now(),
            )?;
            Ok::<_, StoreError>((twice, declined, stored, again))
        })
        .await
        .expect("writes");
    assert!(matches!(twice, Some(StoreError::Conflict)), "{twice:?}");
    assert!(declined);
    let stored = stored.expect("stored");
    assert_eq!(stored.state, IntroductionState::Declined);
    assert_eq!(stored.contacts, None, "a decline forgets the contacts");
    assert!(!again, "an answered introduction is not answered again");
}

/// The inbox's two hand-written statements stay prepared on each
/// connection: prepared (and cached) once, then reused. diesel never caches
/// a plain `sql_query`, and PostgreSQL then plans it again for every
/// received activity.
#[tokio::test]
async fn the_inbox_statements_are_prepared_once_per_connection() {
    use std::sync::{Arc, Mutex};

    use diesel::connection::{Connection, InstrumentationEvent};
    use intercoop::domain::proposal::{Category, ProposalKind};
    use intercoop::domain::remote::RemoteProposal;
    use intercoop::infra::store::{received, remote_proposals};

    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 1).expect("connect");
    db.migrate().expect("migrate");
    let cached = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = cached.clone();
    let proposal = |n: u32| RemoteProposal {
        id: format!("r{n}"),
        ap_id: format!("https://remote.test/proposals/{n}"),
        actor_id: "a1".into(),
        kind: ProposalKind::Offer,
        category: Category::Knowledge,
        title: "Rust mentoring".into(),
        content_html: "<p>Weekly.</p>".into(),
        tags: vec![],
        quantity: None,
        place: None,
        remote: Some(true),
        deadline: None,
        url: None,
        reciprocal: None,
        published_at: intercoop::domain::time::now(),
        updated_at: intercoop::domain::time::now(),
        received_at: intercoop::domain::time::now(),
    };
    let outcomes = db
        .write(move |conn| {
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                    seen.lock().expect("lock").push(sql.to_string());
                }
            });
            let now = intercoop::domain::time::now();
            let mut outcomes = Vec::new();
            for n in 1..=3 {
                outcomes.push(format!(
                    "{} {:?}",
                    received::first_time(conn, &format!("https://remote.test/a/{n}"), now)?,
                    remote_proposals::save_if_followed(conn, &proposal(n))?,
                ));
            }
            conn.set_instrumentation(None::<Box<dyn diesel::connection::Instrumentation>>);
            Ok::<_, StoreError>(outcomes)
        })
        .await
        .expect("writes");
    // Nobody follows a1: each activity is new, and nothing is stored.
    assert_eq!(outcomes, vec!["true NotFollowed"; 3]);
    let cached = cached.lock().expect("lock").clone();
    for statement in [
        "INSERT INTO received_activities",
        "INSERT INTO remote_proposals",
    ] {
        let times = cached.iter().filter(|s| s.starts_with(statement)).count();
        assert_eq!(
            times, 1,
            "{statement} prepared for the cache {times} times: {cached:#?}"
        );
    }
}

fn actor(display_name: &str) -> intercoop::domain::remote::RemoteActor {
    intercoop::domain::remote::RemoteActor {
        id: uuid::Uuid::now_v7().to_string(),
        ap_id: "https://social.example/users/ana".into(),
        kind: "Person".into(),
        username: "ana".into(),
        host: "social.example".into(),
        display_name: display_name.into(),
        summary_html: String::new(),
        url: None,
        inbox: "https://social.example/users/ana/inbox".into(),
        shared_inbox: None,
        public_key_pem: "key".into(),
        country: None,
        languages: Vec::new(),
        stage: None,
        fetched_at: chrono::Utc::now().naive_utc(),
    }
}

#[derive(diesel::QueryableByName)]
struct Waiting {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Two requests store the same new actor at once (a follow arriving while a
/// coop looks the actor up). On PostgreSQL the second insert waits for the
/// first transaction, then breaks the unique `ap_id`: it must refresh the
/// stored row instead of failing. Made deterministic by holding the first
/// transaction open until the second is seen waiting on its lock.
#[tokio::test]
async fn two_connections_storing_the_same_new_actor_both_succeed() {
    use diesel::Connection;
    use intercoop::infra::store::{remote_actors, AnyConnection};

    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    db.migrate().expect("migrate");
    if !test_db.is_postgres() {
        // One writer at a time on SQLite: the second store refreshes the first.
        let (first, second) = db
            .write(|conn| {
                let first = remote_actors::upsert(conn, &actor("Ana"))?;
                Ok::<_, StoreError>((first, remote_actors::upsert(conn, &actor("Ana B."))?))
            })
            .await
            .expect("upserts");
        assert_eq!(
            (second.id, second.display_name.as_str()),
            (first.id, "Ana B.")
        );
        return;
    }
    let open =
        || AnyConnection::Postgresql(diesel::PgConnection::establish(&test_db.url).expect("pg"));
    let (mut a, mut b, mut watcher) = (open(), open(), open());
    // The first request's transaction, held open until told to commit.
    let (inserted_tx, inserted) = std::sync::mpsc::channel();
    let (commit_tx, commit) = std::sync::mpsc::channel::<()>();
    let first = std::thread::spawn(move || {
        a.transaction::<_, StoreError, _>(|a| {
            let stored = remote_actors::upsert(a, &actor("Ana"))?;
            inserted_tx.send(()).expect("tell");
            commit.recv().expect("told to commit");
            Ok(stored)
        })
    });
    inserted
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the first insert");
    let second = std::thread::spawn(move || {
        b.transaction::<_, StoreError, _>(|b| remote_actors::upsert(b, &actor("Ana B.")))
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let waiting: Vec<Waiting> = diesel::RunQueryDsl::load(
            diesel::sql_query(
                "SELECT COUNT(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            ),
            &mut watcher,
        )
        .expect("pg_stat_activity");
        if waiting.first().is_some_and(|w| w.n > 0) {
            break;
        }
        assert!(
            !second.is_finished(),
            "the second store ended before the first committed: {:?}",
            second.join()
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the second insert never waited"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    commit_tx.send(()).expect("commit");
    let first = first.join().expect("thread").expect("the first store");
    let stored = second
        .join()
        .expect("thread")
        .expect("the second store succeeds");
    assert_eq!(stored.id, first.id, "the first row, refreshed");
    assert_eq!(stored.display_name, "Ana B.");
    let again = db
        .read(|conn| remote_actors::by_ap_id(conn, "https://social.example/users/ana"))
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        (again.id, again.display_name),
        (first.id, "Ana B.".to_string())
    );
}

/// Each coop's home feed (migration 000026): filled on upgrade from the
/// follows and received entries already stored, then kept by triggers as
/// follows are accepted or end and entries arrive or go.
#[tokio::test]
async fn home_feeds_are_filled_on_upgrade_and_kept_by_triggers() {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        coop_id: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        entry_id: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        post: bool,
    }
    async fn feed(db: &Db) -> Vec<(String, String, bool)> {
        db.read(|conn| {
            diesel::sql_query(
                "SELECT coop_id, entry_id, post FROM home_feed ORDER BY coop_id, entry_id",
            )
            .load::<Row>(conn)
            .map_err(StoreError::from)
        })
        .await
        .expect("feed")
        .into_iter()
        .map(|r| (r.coop_id, r.entry_id, r.post))
        .collect()
    }
    async fn run(db: &Db, sql: &'static str) {
        db.write(move |conn| conn.batch_execute(sql).map_err(StoreError::from))
            .await
            .expect(sql);
    }
    let row = |c: &str, e: &str, post: bool| (c.to_string(), e.to_string(), post);

    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    db.migrate().expect("migrate");
    // A database from before the feed, with follows and received entries.
    assert!(db.revert_to("2026-12-07-000025").expect("revert") >= 1);
    run(
        &db,
        "INSERT INTO coops (id, handle, display_name, about, about_html, languages, sectors, \
         networks, public_contact, private_contact, created_at, updated_at, \
         manually_approves_followers) VALUES \
         ('c1', 'one', 'One', '', '', '[]', '[]', '[]', '{}', '{}', '2026-11-22 10:00:00', '2026-11-22 10:00:00', false), \
         ('c2', 'two', 'Two', '', '', '[]', '[]', '[]', '{}', '{}', '2026-11-22 10:00:00', '2026-11-22 10:00:00', false);
         INSERT INTO remote_actors (id, ap_id, kind, username, host, display_name, summary_html, \
         inbox, public_key_pem, fetched_at) VALUES \
         ('a1', 'https://x.example/a1', 'Group', 'a1', 'x.example', 'A1', '', 'https://x.example/i', 'k', '2026-11-22 10:00:00'), \
         ('a2', 'https://x.example/a2', 'Group', 'a2', 'x.example', 'A2', '', 'https://x.example/i', 'k', '2026-11-22 10:00:00');
         INSERT INTO following (coop_id, actor_id, follow_ap_id, accepted, created_at) VALUES \
         ('c1', 'a1', 'f1', true, '2026-11-22 10:00:00'), \
         ('c2', 'a1', 'f2', false, '2026-11-22 10:00:00'), \
         ('c1', 'a2', 'f3', true, '2026-11-22 10:00:00');
         INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, content_html, \
         tags, published_at, updated_at, received_at) VALUES \
         ('r1', 'https://x.example/r1', 'a1', 'need', 'technical', 'One', '', '[]', '2026-11-22 10:00:00', '2026-11-22 10:00:00', '2026-11-22 10:00:00'), \
         ('r2', 'https://x.example/r2', 'a1', 'offer', 'technical', 'Two', '', '[]', '2026-11-22 10:00:00', '2026-11-22 10:00:00', '2026-11-22 10:00:00'), \
         ('r3', 'https://x.example/r3', 'a2', 'offer', 'technical', 'Three', '', '[]', '2026-11-22 10:00:00', '2026-11-22 10:00:00', '2026-11-22 10:00:00');
         INSERT INTO remote_posts (id, ap_id, actor_id, content_html, sensitive, visibility, \
         published_at, updated_at, received_at) VALUES \
         ('t1', 'https://x.example/t1', 'a1', '', false, 'public', '2026-11-22 10:00:00', '2026-11-22 10:00:00', '2026-11-22 10:00:00');",
    )
    .await;
    assert!(db.migrate().expect("upgrade") >= 1);
    assert_eq!(
        feed(&db).await,
        [
            row("c1", "r1", false),
            row("c1", "r2", false),
            row("c1", "r3", false),
            row("c1", "t1", true),
        ],
        "the accepted follows' entries; not the pending one's"
    );

    // Accepted, c2 gets what a1 already has; a new entry reaches both.
    run(
        &db,
        "UPDATE following SET accepted = true WHERE coop_id = 'c2'",
    )
    .await;
    run(
        &db,
        "INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, content_html, \
         tags, published_at, updated_at, received_at) VALUES \
         ('r4', 'https://x.example/r4', 'a1', 'need', 'human', 'Four', '', '[]', '2026-11-22 10:00:00', '2026-11-22 10:00:00', '2026-11-22 10:00:00')",
    )
    .await;
    let c2 = |f: &[(String, String, bool)]| {
        f.iter()
            .filter(|r| r.0 == "c2")
            .map(|r| r.1.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(c2(&feed(&db).await), ["r1", "r2", "r4", "t1"]);

    // Deleted entries leave every feed; an ended follow takes its actor's
    // entries from that coop's feed only; back to pending, the same.
    run(
        &db,
        "DELETE FROM remote_proposals WHERE id = 'r1'; DELETE FROM remote_posts WHERE id = 't1';",
    )
    .await;
    run(
        &db,
        "DELETE FROM following WHERE coop_id = 'c1' AND actor_id = 'a2'",
    )
    .await;
    run(
        &db,
        "UPDATE following SET accepted = false WHERE coop_id = 'c2'",
    )
    .await;
    assert_eq!(
        feed(&db).await,
        [row("c1", "r2", false), row("c1", "r4", false)]
    );
    // A coop deleted takes its feed with it (through its follows).
    run(&db, "DELETE FROM coops WHERE id = 'c1'").await;
    assert!(feed(&db).await.is_empty());
}
