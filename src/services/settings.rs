//! The node's run-time settings (domain/node_settings.rs): read from memory
//! on every request that needs one, saved by an admin, read again from the
//! database with the federation policy so changes made by another process
//! take effect too.

use std::sync::{Arc, RwLock};

use super::nodes::{record, Admin};
use super::{ServiceResult, Services};
use crate::domain::node_settings::{NodeSettings, SettingsChange, KEYS};
use crate::infra::store::{settings, StoreError};

/// The settings in force and the configuration's values under them.
pub struct SettingsCache {
    defaults: NodeSettings,
    current: RwLock<Arc<NodeSettings>>,
}

impl Default for SettingsCache {
    fn default() -> Self {
        SettingsCache::new(NodeSettings::default())
    }
}

impl SettingsCache {
    pub fn new(defaults: NodeSettings) -> SettingsCache {
        SettingsCache {
            current: RwLock::new(Arc::new(defaults.clone())),
            defaults,
        }
    }

    fn get(&self) -> Arc<NodeSettings> {
        match self.current.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn set(&self, s: NodeSettings) {
        let s = Arc::new(s);
        match self.current.write() {
            Ok(mut slot) => *slot = s,
            Err(poisoned) => *poisoned.into_inner() = s,
        }
    }
}

impl Services {
    /// The settings as the configuration gives them (before any change
    /// saved by an admin).
    pub fn with_settings_defaults(mut self, defaults: NodeSettings) -> Self {
        self.settings = Arc::new(SettingsCache::new(defaults));
        self
    }

    /// The settings in force.
    pub fn node_settings(&self) -> Arc<NodeSettings> {
        self.settings.get()
    }

    /// Reads the saved settings again.
    pub async fn reload_settings(&self) -> ServiceResult<()> {
        let stored = self.db.read(|conn| settings::get_many(conn, &KEYS)).await?;
        self.settings
            .set(NodeSettings::with_stored(&self.settings.defaults, &stored));
        Ok(())
    }

    /// Saves a change an admin made; in force from the next request.
    pub async fn change_settings(
        &self,
        admin: Admin,
        change: SettingsChange,
    ) -> ServiceResult<Arc<NodeSettings>> {
        let before = self.node_settings();
        let after = change.apply(&before)?;
        let changed: Vec<&'static str> = after
            .stored()
            .into_iter()
            .zip(before.stored())
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, _)| a.0)
            .collect();
        if changed.is_empty() {
            return Ok(before);
        }
        let saved = after.clone();
        self.db
            .write(move |conn| -> Result<(), StoreError> {
                for (name, value) in saved.stored() {
                    settings::set(conn, name, &value)?;
                }
                record(conn, &admin, "settings.change", "node", &changed.join(", "))
            })
            .await?;
        self.settings.set(after);
        Ok(self.node_settings())
    }
}
