//! The `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::schema::users;
use super::{AnyConnection, StoreResult};
use crate::domain::user::{Role, User};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    email: String,
    password_hash: String,
    role: String,
    coop_id: Option<String>,
    created_at: NaiveDateTime,
    language: Option<String>,
    time_zone: Option<String>,
}

impl UserRow {
    fn into_domain(self) -> StoreResult<(User, String)> {
        let role =
            Role::parse(&self.role).ok_or_else(|| corrupt("users.role", &self.id, &self.role))?;
        Ok((
            User {
                id: self.id,
                email: self.email,
                role,
                coop_id: self.coop_id,
                created_at: self.created_at,
                language: self.language,
                time_zone: self.time_zone,
            },
            self.password_hash,
        ))
    }
}

pub fn insert(conn: &mut AnyConnection, user: &User, password_hash: &str) -> StoreResult<()> {
    diesel::insert_into(users::table)
        .values(UserRow {
            id: user.id.clone(),
            email: user.email.clone(),
            password_hash: password_hash.to_string(),
            role: user.role.as_str().to_string(),
            coop_id: user.coop_id.clone(),
            created_at: user.created_at,
            language: user.language.clone(),
            time_zone: user.time_zone.clone(),
        })
        .execute(conn)?;
    Ok(())
}

/// The user and their password hash.
pub fn by_email(conn: &mut AnyConnection, email: &str) -> StoreResult<Option<(User, String)>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
        .map(UserRow::into_domain)
        .transpose()
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<User>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
        .map(UserRow::into_domain)
        .transpose()?
        .map(|(u, _)| u))
}

pub fn email_taken(conn: &mut AnyConnection, email: &str) -> StoreResult<bool> {
    let n: i64 = users::table
        .filter(users::email.eq(email))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn set_language(conn: &mut AnyConnection, id: &str, language: Option<&str>) -> StoreResult<()> {
    diesel::update(users::table.find(id))
        .set(users::language.eq(language))
        .execute(conn)?;
    Ok(())
}

pub fn set_time_zone(conn: &mut AnyConnection, id: &str, zone: Option<&str>) -> StoreResult<()> {
    diesel::update(users::table.find(id))
        .set(users::time_zone.eq(zone))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(conn: &mut AnyConnection, id: &str, hash: &str) -> StoreResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// The password hash of a user.
pub fn password_hash(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<String>> {
    Ok(users::table
        .find(id)
        .select(users::password_hash)
        .get_result(conn)
        .optional()?)
}
