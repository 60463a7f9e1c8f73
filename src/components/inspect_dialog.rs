//! A chart panel's *Inspect* action (as Grafana's panel inspector): a
//! button in the panel's header opens a dialog with the panel's data as a
//! table, exactly the series of `window.queuescope.inspect(panel)` (the
//! table is read from that answer, `core::analysis::inspect`), and a CSV
//! download through core's formula-safe CSV writer. The data is taken
//! when the dialog opens. Its words are the catalogue's (`crate::i18n`).

use super::panel::{Pager, ShowIf};
use crate::dom;
use crate::i18n::t;
use crate::inspect;
use crate::state::Shared;
use leptos::prelude::*;
use queuescope_core::analysis::inspect::{Cell, InspectTable};

/// Rows a page of the dialog's table.
const PER_PAGE: usize = 100;

/// The Inspect button and its dialog for the chart panel `panel` (a
/// `data-panel` name) titled `title`.
#[component]
pub fn InspectButton(panel: &'static str, title: &'static str) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let table = RwSignal::new(Shared::new(InspectTable::default()));
    let page = RwSignal::new(0usize);
    let open = move |_| {
        let t = inspect::answer(panel)
            .and_then(|j| InspectTable::from_answer(&j).ok())
            .unwrap_or_default();
        table.set(Shared::new(t));
        page.set(0);
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let close = move |_| {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let download = move |_| {
        let csv = table.with(|t| t.to_csv());
        dom::download(&format!("queuescope-{panel}.csv"), "text/csv", &csv);
    };
    let (heading_id, labelled_by) = (format!("qs-inspect-{panel}"), format!("qs-inspect-{panel}"));
    let total = Signal::derive(move || table.with(|t| t.rows.len()));
    let size = move || {
        table.with(|tab| {
            let mut names: Vec<String> = tab.rows.iter().map(|r| r[0].text()).collect();
            names.dedup();
            (t().inspect_size)(tab.rows.len(), names.len())
        })
    };
    view! {
        <button class="qs-btn qs-btn-quiet" data-inspect=panel title=t().inspect_hint
            aria-haspopup="dialog" on:click=open>{t().inspect}</button>
        <dialog class="qs-dialog" node_ref=dialog data-inspect-dialog=panel aria-labelledby=labelled_by>
            <header class="qs-dialog-head">
                <div>
                    <h3 id=heading_id>{(t().inspect_heading)(title)}</h3>
                    <p class="qs-dialog-sub">{move || size()}</p>
                </div>
                <div class="qs-panel-actions">
                    <button class="qs-btn" data-inspect-csv on:click=download>{t().download_csv}</button>
                    <button class="qs-btn qs-btn-quiet" data-inspect-close on:click=close>{t().close}</button>
                </div>
            </header>
            <InspectRows table=table page=page/>
            <Pager page=page total=total per_page=PER_PAGE/>
        </dialog>
    }
}

/// The current page of the table; every cell is text, never HTML.
#[component]
fn InspectRows(table: RwSignal<Shared<InspectTable>>, page: RwSignal<usize>) -> impl IntoView {
    let head = move || {
        table.with(|t| {
            t.columns
                .iter()
                .map(|c| view! { <th scope="col" data-key=c.clone()>{(crate::i18n::t().inspect_column)(c).to_string()}</th> })
                .collect_view()
        })
    };
    let rows = move || {
        let start = page.get() * PER_PAGE;
        table.with(|t| {
            t.rows
                .iter()
                .skip(start)
                .take(PER_PAGE)
                .map(|r| {
                    let cells = r
                        .iter()
                        .map(|c| {
                            let num = matches!(c, Cell::Number(_)).then_some("qs-num");
                            view! { <td class=num>{c.text()}</td> }
                        })
                        .collect_view();
                    view! { <tr data-inspect-row>{cells}</tr> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="qs-dialog-body">
            <ShowIf when=move || table.with(|t| !t.rows.is_empty())
                fallback=|| view! { <p class="qs-muted">{t().inspect_empty}</p> }>
                <table class="qs-table" data-inspect-table>
                    <thead><tr>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </ShowIf>
        </div>
    }
}
