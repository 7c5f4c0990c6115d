//! The `proposals` and `proposal_tags` tables.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::corrupt;
use super::json::{from_text, to_text};
use super::schema::{proposal_tags, proposals};
use super::{AnyConnection, StoreError, StoreResult};
use crate::domain::proposal::{
    Category, Proposal, ProposalDraft, ProposalFilter, ProposalKind, ProposalStatus, Quantity,
};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = proposals)]
#[diesel(treat_none_as_null = true)]
struct ProposalRow {
    id: String,
    coop_id: String,
    kind: String,
    category: String,
    title: String,
    description: String,
    description_html: String,
    tags: String,
    quantity_value: Option<String>,
    quantity_unit: Option<String>,
    place: Option<String>,
    remote: bool,
    deadline: Option<String>,
    status: String,
    search_text: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
}

impl ProposalRow {
    fn from_domain(p: &Proposal) -> ProposalRow {
        let d = &p.draft;
        ProposalRow {
            id: p.id.clone(),
            coop_id: p.coop_id.clone(),
            kind: d.kind.as_str().to_string(),
            category: d.category.as_str().to_string(),
            title: d.title.clone(),
            description: d.description.clone(),
            description_html: p.description_html.clone(),
            tags: to_text(&d.tags),
            quantity_value: d.quantity.as_ref().and_then(|q| q.value.clone()),
            quantity_unit: d.quantity.as_ref().map(|q| q.unit.clone()),
            place: d.place.clone(),
            remote: d.remote,
            deadline: d.deadline.map(|d| d.format("%Y-%m-%d").to_string()),
            status: p.status.as_str().to_string(),
            search_text: d.search_text(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            closed_at: p.closed_at,
        }
    }

    fn into_domain(self) -> StoreResult<Proposal> {
        let deadline = match self.deadline.as_deref() {
            None => None,
            Some(s) => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| corrupt("proposals.deadline", &self.id, s))?,
            ),
        };
        Ok(Proposal {
            draft: ProposalDraft {
                kind: ProposalKind::parse(&self.kind)
                    .ok_or_else(|| corrupt("proposals.kind", &self.id, &self.kind))?,
                category: Category::parse(&self.category)
                    .ok_or_else(|| corrupt("proposals.category", &self.id, &self.category))?,
                title: self.title,
                description: self.description,
                tags: from_text("proposals.tags", &self.id, &self.tags)?,
                quantity: self.quantity_unit.map(|unit| Quantity {
                    value: self.quantity_value,
                    unit,
                }),
                place: self.place,
                remote: self.remote,
                deadline,
            },
            status: ProposalStatus::parse(&self.status)
                .ok_or_else(|| corrupt("proposals.status", &self.id, &self.status))?,
            id: self.id,
            coop_id: self.coop_id,
            description_html: self.description_html,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
        })
    }
}

fn write_tags(conn: &mut AnyConnection, proposal_id: &str, tags: &[String]) -> StoreResult<()> {
    diesel::delete(proposal_tags::table.filter(proposal_tags::proposal_id.eq(proposal_id)))
        .execute(conn)?;
    // One statement per tag: MultiBackend has no multi-row INSERT, and
    // there are at most 20 tags, inside the caller's transaction.
    for tag in tags {
        diesel::insert_into(proposal_tags::table)
            .values((
                proposal_tags::proposal_id.eq(proposal_id),
                proposal_tags::tag.eq(tag),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert(conn: &mut AnyConnection, proposal: &Proposal) -> StoreResult<()> {
    diesel::insert_into(proposals::table)
        .values(ProposalRow::from_domain(proposal))
        .execute(conn)?;
    write_tags(conn, &proposal.id, &proposal.draft.tags)
}

pub fn update(conn: &mut AnyConnection, proposal: &Proposal) -> StoreResult<()> {
    let n = diesel::update(proposals::table.find(&proposal.id))
        .set(ProposalRow::from_domain(proposal))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    write_tags(conn, &proposal.id, &proposal.draft.tags)
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<Proposal>> {
    proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .get_result(conn)
        .optional()?
        .map(ProposalRow::into_domain)
        .transpose()
}

/// The proposals with these ids, in no particular order (those not
/// found left out): one query for a page of them.
pub fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<Proposal>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    proposals::table
        .filter(proposals::id.eq_any(ids))
        .select(ProposalRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ProposalRow::into_domain)
        .collect()
}

/// Removes a proposal and its tags (the foreign key cascades).
pub fn delete(conn: &mut AnyConnection, id: &str) -> StoreResult<()> {
    // Tags first: SQLite only cascades when foreign_keys is on for this connection.
    diesel::delete(proposal_tags::table.filter(proposal_tags::proposal_id.eq(id))).execute(conn)?;
    let n = diesel::delete(proposals::table.find(id)).execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// `word` anywhere, for `LIKE ... ESCAPE '\\'`.
pub(super) fn like_pattern(word: &str) -> String {
    format!("%{}%", like_escape(word))
}

/// `text` matched literally by `LIKE ... ESCAPE '\\'`.
pub(super) fn like_escape(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p
}

pub fn list(conn: &mut AnyConnection, f: &ProposalFilter) -> StoreResult<Vec<Proposal>> {
    let mut q = proposals::table
        .select(ProposalRow::as_select())
        .into_boxed();
    match &f.viewer_coop_id {
        Some(me) => {
            q = q.filter(
                proposals::status
                    .eq(ProposalStatus::Open.as_str())
                    .or(proposals::coop_id.eq(me.clone())),
            )
        }
        None => q = q.filter(proposals::status.eq(ProposalStatus::Open.as_str())),
    }
    if let Some(status) = f.status {
        q = q.filter(proposals::status.eq(status.as_str()));
    }
    if let Some(kind) = f.kind {
        q = q.filter(proposals::kind.eq(kind.as_str()));
    }
    if let Some(category) = f.category {
        q = q.filter(proposals::category.eq(category.as_str()));
    }
    if let Some(coop_id) = &f.coop_id {
        q = q.filter(proposals::coop_id.eq(coop_id.clone()));
    }
    if let Some(tag) = &f.tag {
        q = q.filter(
            proposals::id.eq_any(
                proposal_tags::table
                    .filter(proposal_tags::tag.eq(tag.clone()))
                    .select(proposal_tags::proposal_id),
            ),
        );
    }
    for word in &f.words {
        q = q.filter(proposals::search_text.like(like_pattern(word)).escape('\\'));
    }
    if let Some(before) = &f.before {
        q = q.filter(proposals::id.lt(before.clone()));
    }
    q.order(proposals::id.desc())
        .limit(f.limit)
        .load(conn)?
        .into_iter()
        .map(ProposalRow::into_domain)
        .collect()
}

pub fn count_open(conn: &mut AnyConnection, coop_id: Option<&str>) -> StoreResult<i64> {
    let mut q = proposals::table
        .filter(proposals::status.eq(ProposalStatus::Open.as_str()))
        .into_boxed();
    if let Some(id) = coop_id {
        q = q.filter(proposals::coop_id.eq(id.to_string()));
    }
    Ok(q.count().get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
