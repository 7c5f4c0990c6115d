//! Reading positions (Mastodon's markers): where a person stopped reading
//! the home timeline and the notifications, so another app resumes there;
//! and how many notifications came since.

use chrono::NaiveDateTime;

use super::{ServiceError, ServiceResult, Services, Viewer};
use crate::domain::time;
use crate::infra::store::{markers, notifications, StoreError};

/// The timelines that have a position.
pub const TIMELINES: &[&str] = &["home", "notifications"];

/// Where a person stopped reading one timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingPosition {
    pub timeline: String,
    pub last_read_id: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

fn timeline(name: &str) -> ServiceResult<String> {
    let name = name.trim();
    if TIMELINES.contains(&name) {
        Ok(name.to_string())
    } else {
        Err(ServiceError::invalid(
            "timeline",
            "must be home or notifications",
        ))
    }
}

impl Services {
    /// The positions of `timelines` (both when none is named) that were saved.
    pub async fn reading_positions(
        &self,
        viewer: &Viewer,
        timelines: Vec<String>,
    ) -> ServiceResult<Vec<ReadingPosition>> {
        let names = if timelines.is_empty() {
            TIMELINES.iter().map(|t| t.to_string()).collect()
        } else {
            timelines
                .iter()
                .map(|t| timeline(t))
                .collect::<ServiceResult<Vec<_>>>()?
        };
        let user = viewer.user.id.clone();
        let rows = self
            .db
            .read(move |conn| markers::of_user(conn, &user, &names))
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| ReadingPosition {
                timeline: m.timeline,
                last_read_id: m.last_read_id,
                version: m.version,
                updated_at: m.updated_at,
            })
            .collect())
    }

    /// Saves positions, (timeline, last read id) each; all or none.
    pub async fn save_reading_positions(
        &self,
        viewer: &Viewer,
        positions: Vec<(String, String)>,
    ) -> ServiceResult<Vec<ReadingPosition>> {
        let mut checked = Vec::new();
        for (name, id) in positions {
            let name = timeline(&name)?;
            let id = uuid::Uuid::try_parse(id.trim())
                .map_err(|_| ServiceError::invalid("last_read_id", "is not an id of this server"))?
                .to_string();
            checked.push((name, id));
        }
        if checked.is_empty() {
            return Err(ServiceError::invalid(
                "home",
                "name home[last_read_id] or notifications[last_read_id]",
            ));
        }
        let (user, now) = (viewer.user.id.clone(), time::now());
        let names: Vec<String> = checked.iter().map(|(n, _)| n.clone()).collect();
        self.db
            .write(move |conn| {
                for (name, id) in &checked {
                    markers::save(conn, &user, name, id, now)?;
                }
                Ok::<_, StoreError>(())
            })
            .await?;
        self.reading_positions(viewer, names).await
    }

    /// Notifications newer than the saved position (all when none is
    /// saved), counted up to `cap`.
    pub async fn unread_notifications(&self, viewer: &Viewer, cap: i64) -> ServiceResult<i64> {
        let coop_id = viewer.coop_id()?.to_string();
        let after = self
            .reading_positions(viewer, vec!["notifications".into()])
            .await?
            .pop()
            .map(|p| p.last_read_id);
        Ok(self
            .db
            .read(move |conn| notifications::count_after(conn, &coop_id, after.as_deref(), cap))
            .await?)
    }
}
