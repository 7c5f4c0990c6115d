//! The `coops` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::json::{from_text, to_text};
use super::schema::coops;
use super::{AnyConnection, StoreError, StoreResult};
use crate::domain::actor::ActorKeys;
use crate::domain::coop::{Coop, CoopProfile, Stage};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = coops)]
#[diesel(treat_none_as_null = true)]
struct CoopRow {
    id: String,
    handle: String,
    display_name: String,
    about: String,
    about_html: String,
    website: Option<String>,
    country: Option<String>,
    city: Option<String>,
    languages: String,
    sectors: String,
    legal_form: Option<String>,
    member_count: Option<i32>,
    founded_year: Option<i32>,
    stage: Option<String>,
    networks: String,
    public_contact: String,
    private_contact: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    public_key_pem: Option<String>,
    private_key_pem: Option<String>,
    manually_approves_followers: bool,
}

impl CoopRow {
    fn from_domain(c: &Coop) -> CoopRow {
        let p = &c.profile;
        CoopRow {
            id: c.id.clone(),
            handle: c.handle.clone(),
            display_name: p.display_name.clone(),
            about: p.about.clone(),
            about_html: c.about_html.clone(),
            website: p.website.clone(),
            country: p.country.clone(),
            city: p.city.clone(),
            languages: to_text(&p.languages),
            sectors: to_text(&p.sectors),
            legal_form: p.legal_form.clone(),
            member_count: p.member_count,
            founded_year: p.founded_year,
            stage: p.stage.map(|s| s.as_str().to_string()),
            networks: to_text(&p.networks),
            public_contact: to_text(&p.public_contact),
            private_contact: to_text(&p.private_contact),
            created_at: c.created_at,
            updated_at: c.updated_at,
            public_key_pem: c.keys.as_ref().map(|k| k.public_key_pem.clone()),
            private_key_pem: c.keys.as_ref().map(|k| k.private_key_pem.clone()),
            manually_approves_followers: p.manually_approves_followers,
        }
    }

    fn into_domain(self) -> StoreResult<Coop> {
        let stage = match self.stage.as_deref() {
            None => None,
            Some(s) => Some(Stage::parse(s).ok_or_else(|| corrupt("coops.stage", &self.id, s))?),
        };
        Ok(Coop {
            profile: CoopProfile {
                display_name: self.display_name,
                about: self.about,
                website: self.website,
                country: self.country,
                city: self.city,
                languages: from_text("coops.languages", &self.id, &self.languages)?,
                sectors: from_text("coops.sectors", &self.id, &self.sectors)?,
                legal_form: self.legal_form,
                member_count: self.member_count,
                founded_year: self.founded_year,
                stage,
                networks: from_text("coops.networks", &self.id, &self.networks)?,
                public_contact: from_text("coops.public_contact", &self.id, &self.public_contact)?,
                private_contact: from_text(
                    "coops.private_contact",
                    &self.id,
                    &self.private_contact,
                )?,
                manually_approves_followers: self.manually_approves_followers,
            },
            keys: match (self.public_key_pem, self.private_key_pem) {
                (Some(public_key_pem), Some(private_key_pem)) => Some(ActorKeys {
                    public_key_pem,
                    private_key_pem,
                }),
                _ => None,
            },
            id: self.id,
            handle: self.handle,
            about_html: self.about_html,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, coop: &Coop) -> StoreResult<()> {
    diesel::insert_into(coops::table)
        .values(CoopRow::from_domain(coop))
        .execute(conn)?;
    Ok(())
}

/// Writes every column of an existing coop.
pub fn update(conn: &mut AnyConnection, coop: &Coop) -> StoreResult<()> {
    let n = diesel::update(coops::table.find(&coop.id))
        .set(CoopRow::from_domain(coop))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<Coop>> {
    coops::table
        .find(id)
        .select(CoopRow::as_select())
        .get_result(conn)
        .optional()?
        .map(CoopRow::into_domain)
        .transpose()
}

/// The coops with these ids, in no particular order (those not
/// found left out): one query for a page of them.
pub fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<Coop>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    coops::table
        .filter(coops::id.eq_any(ids))
        .select(CoopRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CoopRow::into_domain)
        .collect()
}

pub fn by_handle(conn: &mut AnyConnection, handle: &str) -> StoreResult<Option<Coop>> {
    coops::table
        .filter(coops::handle.eq(handle))
        .select(CoopRow::as_select())
        .get_result(conn)
        .optional()?
        .map(CoopRow::into_domain)
        .transpose()
}

/// Whether a coop has the handle, or had it and was deleted (a handle is
/// never given to another coop: other servers remember actors by it).
pub fn handle_taken(conn: &mut AnyConnection, handle: &str) -> StoreResult<bool> {
    let n: i64 = coops::table
        .filter(coops::handle.eq(handle))
        .count()
        .get_result(conn)?;
    Ok(n > 0 || super::deleted_coops::deleted_at(conn, handle)?.is_some())
}

/// Deletes a coop; its members, tokens, proposals and follows go with it
/// (by cascade).
pub fn delete(conn: &mut AnyConnection, id: &str) -> StoreResult<bool> {
    Ok(diesel::delete(coops::table.find(id)).execute(conn)? == 1)
}

/// Handles of the given coops, for views that show who published what.
pub fn handles(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<(String, String)>> {
    Ok(coops::table
        .filter(coops::id.eq_any(ids))
        .select((coops::id, coops::handle))
        .load(conn)?)
}

/// Ids of coops that have no key pair yet (rows from before keys existed).
pub fn without_keys(conn: &mut AnyConnection) -> StoreResult<Vec<String>> {
    Ok(coops::table
        .filter(
            coops::public_key_pem
                .is_null()
                .or(coops::private_key_pem.is_null()),
        )
        .select(coops::id)
        .load(conn)?)
}

/// Gives a coop a key pair unless it already has one (another process may
/// have been first).
pub fn set_keys_if_missing(
    conn: &mut AnyConnection,
    id: &str,
    keys: &ActorKeys,
) -> StoreResult<()> {
    diesel::update(
        coops::table
            .find(id)
            .filter(coops::public_key_pem.is_null()),
    )
    .set((
        coops::public_key_pem.eq(&keys.public_key_pem),
        coops::private_key_pem.eq(&keys.private_key_pem),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn count(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(coops::table.count().get_result(conn)?)
}

/// Coops in handle order after `after`, for the node's directory pages.
pub fn page_by_handle(
    conn: &mut AnyConnection,
    after: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Coop>> {
    let mut query = coops::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(coops::handle.gt(after.to_string()));
    }
    query
        .order(coops::handle.asc())
        .limit(limit)
        .select(CoopRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CoopRow::into_domain)
        .collect()
}
