//! The user's own look: the theme chosen in the app, which wins over the
//! config's `theme` (SPEC §4). Versioned like the other stores.

use super::storage::{load, to_json, Stored};
use super::{LoadNotice, Problem, Store};
use crate::theme::Theme;
use serde::{Deserialize, Serialize};

/// Key of the [`Appearance`] store.
pub const APPEARANCE_KEY: &str = "queuescope.v1.appearance";

/// What a user chose about the page's look. Serialised under
/// [`APPEARANCE_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    /// Schema version, [`Appearance::VERSION`] once loaded.
    pub version: u32,
    /// The theme chosen in the app; `None`: the config's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
}

impl Appearance {
    /// The schema this code writes.
    pub const VERSION: u32 = 1;
}

impl Default for Appearance {
    fn default() -> Self {
        Appearance {
            version: Self::VERSION,
            theme: None,
        }
    }
}

impl Stored for Appearance {
    const STORE: Store = Store::Appearance;
    const CURRENT: u32 = Appearance::VERSION;

    fn sanitize(self) -> (Self, Vec<Problem>) {
        (
            Appearance {
                version: Self::VERSION,
                ..self
            },
            Vec::new(),
        )
    }
}

/// Loads the appearance from the raw value of [`APPEARANCE_KEY`]: never
/// saved is the default; unreadable or newer is the default with a notice.
pub fn load_appearance(raw: Option<&str>) -> (Appearance, Option<LoadNotice>) {
    load(raw)
}

/// The string to write under [`APPEARANCE_KEY`].
pub fn save_appearance(a: &Appearance) -> String {
    to_json(a, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_round_trips_and_bad_data_resets() {
        let a = Appearance {
            version: 1,
            theme: Some(Theme::Dark),
        };
        let raw = save_appearance(&a);
        assert_eq!(raw, r#"{"version":1,"theme":"dark"}"#);
        assert_eq!(load_appearance(Some(&raw)), (a, None));
        assert_eq!(load_appearance(None), (Appearance::default(), None));
        let (reset, notice) = load_appearance(Some(r#"{"version":1,"theme":"sepia"}"#));
        assert_eq!(reset, Appearance::default());
        assert!(notice.unwrap().to_string().contains("unreadable"));
        let (newer, notice) = load_appearance(Some(r#"{"version":2,"theme":"x"}"#));
        assert_eq!(newer, Appearance::default());
        assert!(notice.unwrap().to_string().contains("newer"));
    }
}
