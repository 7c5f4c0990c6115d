//! Hand-written SQL that the connection keeps prepared.
//!
//! diesel never caches a `sql_query` statement, since it cannot know the
//! text was not built at run time; PostgreSQL then parses and plans it again
//! on every run. [`fixed_sql`] takes a constant text instead: each
//! connection prepares it once (keyed by its text and bind types) and reuses
//! it. Every hand-written statement whose text is a constant uses it; the
//! query builder covers the rest (it cannot express `ON CONFLICT` through
//! the multi-backend connection, hence the hand-written ones).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::Error;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{QueryResult, RunQueryDsl};

/// A statement with placeholders `$1`, `$2`, … (a placeholder may occur
/// more than once; `$` must not occur otherwise), bound in order with
/// [`Fixed::bind`] as with `sql_query`. The text is `'static` so that the
/// cache, one entry per distinct text, stays bounded.
pub(super) fn fixed_sql<'a, DB: Backend>(sql: &'static str) -> Fixed<'a, DB> {
    Fixed {
        sql,
        binds: Vec::new(),
    }
}

/// See [`fixed_sql`].
#[must_use = "statements run only when executed"]
pub(super) struct Fixed<'a, DB> {
    sql: &'static str,
    binds: Vec<Box<dyn BindValue<DB> + 'a>>,
}

impl<'a, DB: Backend> Fixed<'a, DB> {
    /// Binds the next placeholder to `value`, of SQL type `ST`.
    pub(super) fn bind<ST: 'a, U>(mut self, value: U) -> Self
    where
        DB: HasSqlType<ST>,
        U: ToSql<ST, DB> + 'a,
    {
        self.binds.push(Box::new(Bound {
            value,
            sql_type: PhantomData::<ST>,
        }));
        self
    }
}

impl<DB: Backend> QueryFragment<DB> for Fixed<'_, DB> {
    /// The text up to each placeholder, then that placeholder's value (the
    /// backend writes its own marker: `$n` on PostgreSQL, `?` on SQLite).
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut rest = self.sql;
        while let Some(at) = rest.find('$') {
            pass.push_sql(&rest[..at]);
            let digits = rest[at + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - at - 1);
            let bind = rest[at + 1..at + 1 + digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| self.binds.get(n.checked_sub(1)?))
                .ok_or_else(|| {
                    Error::QueryBuilderError(
                        format!(
                            "placeholder {} has no bound value",
                            &rest[at..at + 1 + digits]
                        )
                        .into(),
                    )
                })?;
            bind.push(&mut pass)?;
            rest = &rest[at + 1 + digits..];
        }
        pass.push_sql(rest);
        Ok(())
    }
}

/// No static id: the statement cache keys it by its text.
impl<DB> QueryId for Fixed<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> Query for Fixed<'_, DB> {
    type SqlType = Untyped;
}

impl<DB, Conn> RunQueryDsl<Conn> for Fixed<'_, DB> {}

/// One bound value, its SQL type erased so that a statement can hold
/// values of different types.
trait BindValue<DB: Backend> {
    fn push<'b>(&'b self, pass: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

struct Bound<ST, U> {
    value: U,
    sql_type: PhantomData<ST>,
}

impl<ST, U, DB> BindValue<DB> for Bound<ST, U>
where
    DB: Backend + HasSqlType<ST>,
    U: ToSql<ST, DB>,
{
    fn push<'b>(&'b self, pass: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        pass.push_bind_param::<ST, U>(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::{Integer, Text};

    use super::fixed_sql;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = Text)]
        a: String,
        #[diesel(sql_type = Integer)]
        b: i32,
        #[diesel(sql_type = Text)]
        c: String,
    }

    #[test]
    fn placeholders_take_their_values_in_any_order_and_more_than_once() {
        let mut conn = SqliteConnection::establish(":memory:").expect("memory");
        conn.batch_execute("CREATE TABLE t (a TEXT, b INTEGER, c TEXT)")
            .expect("table");
        let n = fixed_sql("INSERT INTO t (c, b, a) SELECT $2, $10, $1 WHERE $2 <> $1")
            .bind::<Text, _>("first")
            .bind::<Text, _>("second")
            .bind::<Integer, _>(3)
            .bind::<Integer, _>(4)
            .bind::<Integer, _>(5)
            .bind::<Integer, _>(6)
            .bind::<Integer, _>(7)
            .bind::<Integer, _>(8)
            .bind::<Integer, _>(9)
            .bind::<Integer, _>(10)
            .execute(&mut conn)
            .expect("insert");
        assert_eq!(n, 1);
        let rows: Vec<Row> = fixed_sql("SELECT a, b, c FROM t")
            .load(&mut conn)
            .expect("select");
        assert_eq!(
            rows,
            vec![Row {
                a: "first".into(),
                b: 10,
                c: "second".into()
            }]
        );
    }

    #[test]
    fn a_placeholder_without_a_value_is_an_error() {
        let mut conn = SqliteConnection::establish(":memory:").expect("memory");
        for sql in ["SELECT $2", "SELECT $0", "SELECT $"] {
            let err = fixed_sql(sql)
                .bind::<Integer, _>(1)
                .execute(&mut conn)
                .expect_err(sql);
            assert!(
                err.to_string().contains("has no bound value"),
                "{sql}: {err}"
            );
        }
    }
}
