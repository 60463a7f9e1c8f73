//! Notices: one-off messages for the user (ignored URL parameters, reset
//! storage, an unknown queue), shown until dismissed.

use leptos::prelude::*;

/// The notices on screen.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Vec<String>>);

impl Notices {
    /// An empty list, provided as a context.
    pub fn provide() -> Notices {
        let n = Notices(RwSignal::new(Vec::new()));
        provide_context(n);
        n
    }

    /// Adds messages (nothing when `more` is empty).
    pub fn extend(&self, more: impl IntoIterator<Item = String>) {
        let more: Vec<String> = more.into_iter().collect();
        if !more.is_empty() {
            self.0.update(|n| n.extend(more));
        }
    }

    /// The messages (tracked).
    pub fn get(&self) -> Vec<String> {
        self.0.get()
    }

    /// Removes every message.
    pub fn dismiss(&self) {
        self.0.set(Vec::new());
    }
}
