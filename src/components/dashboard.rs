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
use crate::state::{self, ThemeState};
use leptos::html::Div;
use leptos::prelude::*;

/// The whole Monitor page.
#[component]
pub fn Dashboard(config: Config, source: Source) -> impl IntoView {
    let is_demo = config.is_demo();
    state::provide(config, source);
    let root = NodeRef::<Div>::new();
    expect_context::<ThemeState>().bind(root);
    view! {
        <div class="qs-app" node_ref=root>
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
