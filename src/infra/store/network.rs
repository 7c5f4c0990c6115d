//! The ties the network map draws, read in one go: accepted follows
//! either way between this node's coops and other servers' actors, and
//! accepted introductions. Coops are named by their matching-index keys
//! (`l:<coop id>` here, `r:<remote actor id>` elsewhere).

use diesel::prelude::*;

use super::schema::{followers, following, introductions};
use super::{AnyConnection, StoreResult};
use crate::domain::introduction::IntroductionState;
use crate::domain::network_map::TieKind;

fn local(id: String) -> String {
    format!("l:{id}")
}

fn remote(id: String) -> String {
    format!("r:{id}")
}

/// Up to `limit` ties of each kind stored here (matches come from the index).
pub fn ties(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<(String, String, TieKind)>> {
    let mut out = Vec::new();
    let follows: Vec<(String, String)> = following::table
        .filter(following::accepted.eq(true))
        .select((following::coop_id, following::actor_id))
        .limit(limit)
        .load(conn)?;
    out.extend(
        follows
            .into_iter()
            .map(|(c, a)| (local(c), remote(a), TieKind::Follow)),
    );
    let followed: Vec<(String, String)> = followers::table
        .filter(followers::accepted.eq(true))
        .select((followers::actor_id, followers::coop_id))
        .limit(limit)
        .load(conn)?;
    out.extend(
        followed
            .into_iter()
            .map(|(a, c)| (remote(a), local(c), TieKind::Follow)),
    );
    type Ends = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let intros: Vec<Ends> = introductions::table
        .filter(introductions::state.eq(IntroductionState::Accepted.as_str()))
        .select((
            introductions::from_coop_id,
            introductions::from_actor_id,
            introductions::to_coop_id,
            introductions::to_actor_id,
        ))
        .limit(limit)
        .load(conn)?;
    let end = |l: Option<String>, r: Option<String>| l.map(local).or(r.map(remote));
    out.extend(
        intros.into_iter().filter_map(|(fl, fr, tl, tr)| {
            Some((end(fl, fr)?, end(tl, tr)?, TieKind::Introduction))
        }),
    );
    Ok(out)
}

/// A coop on the map: its id here (a coop's, or a remote actor's), its
/// node (`None` here), its name, and its handle (here) or actor id.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct MapRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    node: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub link: String,
}

impl MapRow {
    pub fn node(&self) -> Option<&str> {
        (!self.node.is_empty()).then_some(self.node.as_str())
    }
}

#[derive(QueryableByName)]
struct NodeCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    host: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Shares `budget` among groups of `sizes`: each gets what it has, up to
/// an even share of what is left (the small ones leave room for the rest).
pub fn share(sizes: &[usize], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| sizes[i]);
    let mut out = vec![0; sizes.len()];
    let mut left = budget;
    for (done, &i) in order.iter().enumerate() {
        let even = left / (sizes.len() - done);
        out[i] = sizes[i].min(even);
        left -= out[i];
    }
    out
}

/// The coops the map draws: this node's and those of up to `nodes - 1`
/// other nodes (those with most coops listed here), `budget` in all,
/// shared among the nodes; each node's by name. The second value says
/// whether any were left out.
pub fn coops(
    conn: &mut AnyConnection,
    budget: usize,
    nodes: usize,
) -> StoreResult<(Vec<MapRow>, bool)> {
    use diesel::sql_query;
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    let coop_actor = format!(
        "(ra.kind = 'Organization' OR EXISTS (SELECT 1 FROM remote_proposals rp WHERE rp.actor_id = ra.id)) \
         AND {}",
        super::directory::listed_actor(sqlite)
    );
    let local: i64 = super::schema::coops::table.count().get_result(conn)?;
    let others: Vec<NodeCount> = sql_query(format!(
        "SELECT ra.host AS host, COUNT(*) AS n FROM remote_actors ra WHERE {coop_actor} \
         GROUP BY ra.host ORDER BY n DESC, host LIMIT {}",
        nodes.saturating_sub(1)
    ))
    .load(conn)?;
    let mut sizes = vec![local.max(0) as usize];
    sizes.extend(others.iter().map(|o| o.n.max(0) as usize));
    let shares = share(&sizes, budget);
    let cut = shares.iter().zip(&sizes).any(|(s, n)| s < n);
    let mut rows: Vec<MapRow> = sql_query(format!(
        "SELECT c.id AS id, '' AS node, c.display_name AS name, c.handle AS link FROM coops c \
         ORDER BY LOWER(c.display_name), c.id LIMIT {}",
        shares[0]
    ))
    .load(conn)?;
    for (o, &take) in others.iter().zip(&shares[1..]) {
        // Hosts come from this database, as stored from checked URLs; the
        // quote is doubled all the same.
        let host = o.host.replace('\'', "''");
        rows.extend(
            sql_query(format!(
                "SELECT ra.id AS id, ra.host AS node, ra.display_name AS name, ra.ap_id AS link \
                 FROM remote_actors ra WHERE ra.host = '{host}' AND {coop_actor} \
                 ORDER BY LOWER(ra.display_name), ra.id LIMIT {take}"
            ))
            .load::<MapRow>(conn)?,
        );
    }
    Ok((rows, cut))
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn the_budget_is_shared_and_small_nodes_leave_room_for_big_ones() {
        assert_eq!(share(&[50, 100, 100], 150), vec![50, 50, 50]);
        assert_eq!(share(&[10, 1000, 3], 100), vec![10, 87, 3]);
        assert_eq!(share(&[5, 5], 100), vec![5, 5]);
        assert_eq!(share(&[1000; 20], 1000), vec![50; 20]);
        assert_eq!(share(&[], 10), Vec::<usize>::new());
        assert_eq!(share(&[3], 0), vec![0]);
    }
}
