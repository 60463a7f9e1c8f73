//! The dashboard: provides the state modules and lays the page out.

use super::chart_panels::{JobStatusPanel, QueuedTimePanel};
use super::controls::ControlPanel;
use super::header::{Header, NoticeBar};
use super::insights::InsightsPanel;
use super::links::ExternalLinks;
use super::runs::JobRunsPanel;
use super::tables::{ErrorsPanel, SelectionPanel};
use super::usage::UsagePanels;
use crate::api::Source;
use crate::config::Config;
use crate::i18n;
use crate::state::{self, ThemeState};
use leptos::html::Div;
use leptos::prelude::*;

/// The whole Monitor page.
#[component]
pub fn Dashboard(config: Config, source: Source) -> impl IntoView {
    let is_demo = config.is_demo();
    state::provide(config, source);
    let lang = expect_context::<state::LangState>().lang;
    // The theme's tokens are read from the app's root, again whenever the
    // root is rebuilt (a new language) or the scheme changes.
    let theme = expect_context::<ThemeState>();
    let root = NodeRef::<Div>::new();
    theme.bind(root);
    // The view tree is built in one language and rebuilt when it changes
    // (rare: a click on the picker); the state above lives on.
    move || {
        i18n::set_current(lang.get());
        view! {
        <div class="qs-app" node_ref=root data-theme=move || theme.scheme.get().as_str()>
            <Header is_demo=is_demo/>
            <div class="qs-body">
                <ControlPanel/>
                <main class="qs-main">
                    <NoticeBar/>
                    <InsightsPanel/>
                    <JobStatusPanel/>
                    <QueuedTimePanel/>
                    <JobRunsPanel/>
                    <SelectionPanel/>
                    <UsagePanels/>
                    <ErrorsPanel/>
                    <ExternalLinks/>
                </main>
            </div>
        </div>
        }
    }
}
