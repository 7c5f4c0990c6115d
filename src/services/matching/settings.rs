//! What each coop asks of matching: stage pairing, and the score from which
//! it wants to be told of new matches.

use super::Services;
use crate::domain::matching::MatchSettings;
use crate::infra::store::matching as rows;
use crate::services::{ServiceError, ServiceResult, Viewer};

/// The highest score a match can have (parts and boosts).
pub const MAX_SCORE: f64 = 1.15;

/// Refuses a threshold no match can reach or below zero.
fn check(settings: &MatchSettings) -> ServiceResult<()> {
    match settings.notify_min_score {
        Some(t) if !(0.0..=MAX_SCORE).contains(&t) => Err(ServiceError::invalid(
            "notify_min_score",
            format!("must be between 0 and {MAX_SCORE}, or null to turn notifications off"),
        )),
        _ => Ok(()),
    }
}

impl Services {
    pub(super) async fn match_settings_of(&self, coop: &str) -> ServiceResult<MatchSettings> {
        let coop = coop.to_string();
        Ok(self
            .db
            .read(move |conn| rows::settings(conn, &coop))
            .await?)
    }

    /// The signed-in coop's matching settings.
    pub async fn match_settings(&self, viewer: &Viewer) -> ServiceResult<MatchSettings> {
        self.match_settings_of(viewer.coop_id()?).await
    }

    /// Changes the signed-in coop's matching settings.
    pub async fn set_match_settings(
        &self,
        viewer: &Viewer,
        settings: MatchSettings,
    ) -> ServiceResult<MatchSettings> {
        let coop = viewer.coop_id()?.to_string();
        check(&settings)?;
        self.db
            .write(move |conn| rows::save_settings(conn, &coop, settings))
            .await?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_between_zero_and_the_highest_score() {
        let with = |t| MatchSettings {
            prefer_stage_pairing: false,
            notify_min_score: t,
        };
        assert!(check(&with(None)).is_ok());
        assert!(check(&with(Some(0.0))).is_ok());
        assert!(check(&with(Some(MAX_SCORE))).is_ok());
        assert!(check(&with(Some(-0.1))).is_err());
        assert!(check(&with(Some(MAX_SCORE + 0.01))).is_err());
        assert!(check(&with(Some(f64::NAN))).is_err());
    }

    #[tokio::test]
    async fn settings_default_and_round_trip() {
        let (_dir, services) = crate::services::testing::services().await;
        let coop = crate::services::testing::coop(&services, "fiqus").await;
        assert_eq!(
            services.match_settings(&coop).await.unwrap(),
            MatchSettings::default()
        );
        let wanted = MatchSettings {
            prefer_stage_pairing: true,
            notify_min_score: Some(0.5),
        };
        services.set_match_settings(&coop, wanted).await.unwrap();
        assert_eq!(services.match_settings(&coop).await.unwrap(), wanted);
        let refused = MatchSettings {
            notify_min_score: Some(2.0),
            ..wanted
        };
        assert!(services.set_match_settings(&coop, refused).await.is_err());
        assert_eq!(services.match_settings(&coop).await.unwrap(), wanted);
    }
}
