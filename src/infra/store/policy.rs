//! `domain_blocks` and `domain_allows`, the mode in `node_settings`, and the
//! purge of everything stored from a suspended domain.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::corrupt;
use super::fixed_sql::fixed_sql;
use super::proposals::like_escape;
use super::schema::{domain_allows, domain_blocks};
use super::{settings, AnyConnection, StoreResult};
use crate::domain::policy::{DomainAllow, DomainBlock, FederationMode, Policy, Severity};

type BlockRow = (String, String, String, chrono::NaiveDateTime);

fn block(row: BlockRow) -> StoreResult<DomainBlock> {
    let (domain, severity, public_comment, created_at) = row;
    let severity = Severity::parse(&severity)
        .ok_or_else(|| corrupt("domain_blocks.severity", &domain, &severity))?;
    Ok(DomainBlock {
        domain,
        severity,
        public_comment,
        created_at,
    })
}

pub fn blocks(conn: &mut AnyConnection) -> StoreResult<Vec<DomainBlock>> {
    domain_blocks::table
        .order(domain_blocks::domain.asc())
        .load::<BlockRow>(conn)?
        .into_iter()
        .map(block)
        .collect()
}

pub fn block_of(conn: &mut AnyConnection, domain: &str) -> StoreResult<Option<DomainBlock>> {
    domain_blocks::table
        .find(domain)
        .get_result::<BlockRow>(conn)
        .optional()?
        .map(block)
        .transpose()
}

/// Adds a block or changes an existing one.
pub fn put_block(conn: &mut AnyConnection, b: &DomainBlock) -> StoreResult<()> {
    diesel::delete(domain_blocks::table.find(&b.domain)).execute(conn)?;
    diesel::insert_into(domain_blocks::table)
        .values((
            domain_blocks::domain.eq(&b.domain),
            domain_blocks::severity.eq(b.severity.as_str()),
            domain_blocks::public_comment.eq(&b.public_comment),
            domain_blocks::created_at.eq(b.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether there was a block to remove.
pub fn delete_block(conn: &mut AnyConnection, domain: &str) -> StoreResult<bool> {
    Ok(diesel::delete(domain_blocks::table.find(domain)).execute(conn)? == 1)
}

pub fn allows(conn: &mut AnyConnection) -> StoreResult<Vec<DomainAllow>> {
    Ok(domain_allows::table
        .order(domain_allows::domain.asc())
        .load::<(String, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(domain, created_at)| DomainAllow { domain, created_at })
        .collect())
}

/// Whether the domain was not allowed before.
pub fn add_allow(conn: &mut AnyConnection, a: &DomainAllow) -> StoreResult<bool> {
    let exists = diesel::select(diesel::dsl::exists(domain_allows::table.find(&a.domain)))
        .get_result::<bool>(conn)?;
    if !exists {
        diesel::insert_into(domain_allows::table)
            .values((
                domain_allows::domain.eq(&a.domain),
                domain_allows::created_at.eq(a.created_at),
            ))
            .execute(conn)?;
    }
    Ok(!exists)
}

pub fn delete_allow(conn: &mut AnyConnection, domain: &str) -> StoreResult<bool> {
    Ok(diesel::delete(domain_allows::table.find(domain)).execute(conn)? == 1)
}

pub fn mode(conn: &mut AnyConnection) -> StoreResult<FederationMode> {
    Ok(settings::get(conn, FederationMode::SETTING)?
        .and_then(|v| FederationMode::parse(&v))
        .unwrap_or(FederationMode::Open))
}

pub fn set_mode(conn: &mut AnyConnection, mode: FederationMode) -> StoreResult<()> {
    settings::set(conn, FederationMode::SETTING, mode.as_str())
}

/// The whole policy, as the node enforces it.
pub fn load(conn: &mut AnyConnection) -> StoreResult<Policy> {
    Ok(Policy::new(
        mode(conn)?,
        blocks(conn)?.into_iter().map(|b| (b.domain, b.severity)),
        allows(conn)?.into_iter().map(|a| a.domain),
    ))
}

/// What a purge removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub actors: usize,
    pub deliveries: usize,
}

/// `column` matches the hosts a rule for `domain` covers (see
/// `domain::policy::covers`), as SQL with binds `$1`..`$4`.
fn host_condition(column: &str, domain: &str) -> (String, [String; 4]) {
    let d = like_escape(domain);
    let patterns = if domain.contains(':') {
        [d.clone(), d.clone(), d.clone(), d]
    } else {
        [
            d.clone(),
            format!("%.{d}"),
            format!("{d}:%"),
            format!("%.{d}:%"),
        ]
    };
    let sql = format!(
        "({column} LIKE $1 ESCAPE '\\' OR {column} LIKE $2 ESCAPE '\\' \
         OR {column} LIKE $3 ESCAPE '\\' OR {column} LIKE $4 ESCAPE '\\')"
    );
    (sql, patterns)
}

fn delete_where(
    conn: &mut AnyConnection,
    table: &str,
    column: &str,
    domain: &str,
) -> StoreResult<usize> {
    let (condition, binds) = host_condition(column, domain);
    let mut q = diesel::sql_query(format!("DELETE FROM {table} WHERE {condition}")).into_boxed();
    for b in binds {
        q = q.bind::<Text, _>(b);
    }
    Ok(q.execute(conn)?)
}

/// Removes everything stored from the hosts `domain` covers: their actors
/// (and with them, by cascade, their proposals, follows either way and
/// node follows) and the deliveries waiting for them. Idempotent.
pub fn purge(conn: &mut AnyConnection, domain: &str) -> StoreResult<Purged> {
    let actors = delete_where(conn, "remote_actors", "host", domain)?;
    let deliveries = delete_where(conn, "deliveries", "host", domain)?;
    // Activities none of whose deliveries are left.
    fixed_sql(
        "DELETE FROM outgoing_activities WHERE NOT EXISTS \
         (SELECT 1 FROM deliveries d WHERE d.activity_id = outgoing_activities.id)",
    )
    .execute(conn)?;
    Ok(Purged { actors, deliveries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::covers;

    #[test]
    fn the_sql_host_condition_matches_what_covers_says() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = crate::infra::store::Db::connect(&dir.path().join("p.db").to_string_lossy(), 1)
            .expect("db");
        db.migrate().expect("migrate");
        let mut pooled = db.conn().expect("conn");
        let conn: &mut AnyConnection = &mut pooled;
        let hosts = [
            "bad.example",
            "bad.example:8443",
            "a.bad.example",
            "a.bad.example:1",
            "notbad.example",
            "bad.example.org",
            "bad_example",
        ];
        for domain in ["bad.example", "bad.example:8443", "bad_example"] {
            let (condition, binds) = host_condition("h", domain);
            let values = hosts
                .iter()
                .map(|h| format!("SELECT '{h}' AS h"))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            #[derive(QueryableByName)]
            struct H {
                #[diesel(sql_type = Text)]
                h: String,
            }
            let mut q = diesel::sql_query(format!(
                "SELECT h FROM ({values}) t WHERE {condition} ORDER BY h"
            ))
            .into_boxed();
            for b in binds {
                q = q.bind::<Text, _>(b);
            }
            let got: Vec<String> = q
                .load::<H>(conn)
                .unwrap()
                .into_iter()
                .map(|r| r.h)
                .collect();
            let mut want: Vec<String> = hosts
                .iter()
                .filter(|h| covers(domain, h))
                .map(|h| h.to_string())
                .collect();
            want.sort();
            assert_eq!(got, want, "{domain}");
        }
    }
}
