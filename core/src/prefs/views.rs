//! Saved views: a named view as its query string, so restoring one is the
//! same code path as opening a link.

use super::*;

/// A view saved under a name: the range, bucket, grouping and filters as the
/// URL holds them, so restoring one is the same code path as opening a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    /// Unique, trimmed, 1 to 80 characters.
    pub name: String,
    /// [`to_query`] of the view, without `?`.
    pub query: String,
    /// When it was last saved.
    pub saved_at: Ms,
}

impl SavedView {
    /// The view back, with notices for parts a newer or older app wrote
    /// that this one cannot use.
    pub fn view(&self) -> (View, Vec<crate::view::QueryNotice>) {
        parse_query(&self.query)
    }
}

impl Named for SavedView {
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

/// The saved views, in the user's order. Serialised under [`VIEWS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewStore {
    /// Schema version, [`ViewStore::VERSION`] once loaded.
    pub version: u32,
    /// Views with unique names.
    pub views: Vec<SavedView>,
}

impl Default for ViewStore {
    fn default() -> Self {
        ViewStore {
            version: Self::VERSION,
            views: Vec::new(),
        }
    }
}

impl ViewStore {
    /// The schema this code writes.
    pub const VERSION: u32 = 1;

    /// The view saved under `name`.
    pub fn get(&self, name: &str) -> Option<&SavedView> {
        self.views.iter().find(|v| v.name == name)
    }

    /// Saves `view` under `name` at `now`; a view of the same name is
    /// replaced in place, as "save" over an existing name means update.
    pub fn save(&mut self, name: &str, view: &View, now: Ms) -> Result<(), NameError> {
        let saved = SavedView {
            name: clean_name(name)?,
            query: to_query(view),
            saved_at: now,
        };
        upsert(&mut self.views, saved);
        Ok(())
    }

    /// Renames a view; refused onto another view's name.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), NameError> {
        rename_in(&mut self.views, old, new)
    }

    /// Deletes and returns a view.
    pub fn delete(&mut self, name: &str) -> Result<SavedView, NameError> {
        delete_in(&mut self.views, name)
    }
}

impl Stored for ViewStore {
    const STORE: Store = Store::Views;
    const CURRENT: u32 = ViewStore::VERSION;

    fn sanitize(self) -> (Self, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut views = Vec::new();
        for (i, mut view) in self.views.into_iter().enumerate() {
            match clean_name(&view.name) {
                Ok(name) => view.name = name,
                Err(error) => {
                    problems.push(Problem::ViewName {
                        index: i + 1,
                        error,
                    });
                    continue;
                }
            }
            let (parsed, notices) = view.view();
            if !notices.is_empty() {
                problems.push(Problem::ViewQuery {
                    name: view.name.clone(),
                    notices,
                });
                view.query = to_query(&parsed);
            }
            views.push(view);
        }
        let views = unique_names(views, Self::STORE, &mut problems);
        (
            ViewStore {
                version: Self::CURRENT,
                views,
            },
            problems,
        )
    }
}
