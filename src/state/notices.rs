//! Notices: one-off messages for the user (ignored URL parameters, reset
//! storage, an unknown queue), shown until dismissed. They are kept typed
//! and worded when shown, so a language switch words them again
//! (`i18n::notices`).

pub use crate::notice::Notice;
use leptos::prelude::*;

/// The notices on screen.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Vec<Notice>>);

impl Notices {
    /// An empty list, provided as a context.
    pub fn provide() -> Notices {
        let n = Notices(RwSignal::new(Vec::new()));
        provide_context(n);
        n
    }

    /// Adds notices (nothing when `more` is empty).
    pub fn extend<N: Into<Notice>>(&self, more: impl IntoIterator<Item = N>) {
        let more: Vec<Notice> = more.into_iter().map(Into::into).collect();
        if !more.is_empty() {
            self.0.update(|n| n.extend(more));
        }
    }

    /// The notices (tracked).
    pub fn get(&self) -> Vec<Notice> {
        self.0.get()
    }

    /// Removes every notice.
    pub fn dismiss(&self) {
        self.0.set(Vec::new());
    }
}
