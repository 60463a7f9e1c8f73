//! The selection table (runs picked by the brush) and the errors list.
//! Rows carry `data-job-id` (SPEC §6); both are paginated so the DOM stays
//! small with thousands of rows.

use super::panel::{data_status, page_signal, Pager, Panel, PanelStatus};
use crate::config::Config;
use crate::format;
use crate::i18n::t;
use crate::state::{Analysis, Shared, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Column, ErrorRow, Field, TableRow, NONE_NAME};
use queuescope_core::model::Ms;

/// Rows per page of the selection table.
const PAGE_ROWS: usize = 50;
/// Rows per page of the errors list.
const ERROR_ROWS: usize = 25;
/// Messages longer than this are folded behind "more".
const LONG_MESSAGE: usize = 140;
/// Names and ids longer than this are clipped in a cell (the whole text is
/// its tooltip): a backend may send 4 KB of them.
const LONG_CELL: usize = 48;
/// Texts up to this many characters show whole in a `.qs-cell`.
const FITS_CELL: usize = 24;

/// What a `.qs-cell` shows: the text clipped to [`LONG_CELL`] characters,
/// and the whole text as its tooltip whenever it may not show whole.
#[derive(Clone, Default, PartialEq)]
struct CellText {
    shown: String,
    title: Option<String>,
}

impl CellText {
    fn new(text: &str) -> CellText {
        CellText {
            shown: queuescope_core::text::clip(text, LONG_CELL).into_owned(),
            title: (text.chars().count() > FITS_CELL).then(|| text.to_string()),
        }
    }
}

/// A cell's text in a span the stylesheet keeps to a column's width
/// (`.qs-cell`, an ellipsis past it) (text nodes only: strings from the
/// backend are never HTML).
fn cell_text(text: &str) -> AnyView {
    let CellText { shown, title } = CellText::new(text);
    view! { <span class="qs-cell" title=title>{shown}</span> }.into_any()
}

/// Columns of the selection table: (column, `data-sort` key, numeric);
/// the headers shown are the catalogue's `columns`, in this order.
const COLUMNS: [(Column, &str, bool); 11] = [
    (Column::JobId, "Job id", false),
    (Column::Run, "Run", false),
    (Column::Job, "Launch job", false),
    (Column::Project, "Project", false),
    (Column::User, "User", false),
    (Column::State, "State", false),
    (Column::Enqueued, "Enqueued", false),
    (Column::Started, "Started", false),
    (Column::Ended, "Ended", false),
    (Column::QueuedSecs, "Queued", true),
    (Column::RunSecs, "Run time", true),
];

/// Columns (indexes into [`COLUMNS`]) the table starts without: what
/// matters is who ran what, its state, when it started and how long it
/// waited and ran; the project, enqueue and end times are a click away in
/// the column chooser, so the table fits its panel at 1024 px.
const DEFAULT_HIDDEN: [usize; 3] = [3, 6, 8];

/// The table's classes: `qs-hide-N` hides column N (the stylesheet's
/// `nth-child` rules), so the rows carry no per-cell state.
fn hidden_classes(hidden: &[usize]) -> String {
    hidden.iter().fold(
        String::from("qs-table qs-fit qs-selection-table"),
        |mut c, i| {
            c.push_str(&format!(" qs-hide-{i}"));
            c
        },
    )
}

/// The column chooser: a checkbox per column of the selection table.
#[component]
fn ColumnChooser(hidden: RwSignal<Vec<usize>>) -> impl IntoView {
    let boxes = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (_, key, _))| {
            let shown = move || hidden.with(|h| !h.contains(&i));
            let toggle = move |_| {
                hidden.update(|h| match h.iter().position(|&x| x == i) {
                    Some(p) => {
                        h.remove(p);
                    }
                    None => h.push(i),
                })
            };
            view! {
                <label class="qs-check">
                    <input autocomplete="off" type="checkbox" data-column=*key prop:checked=shown on:change=toggle/>
                    {t().columns[i]}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="qs-columns" data-column-chooser>
            <summary class="qs-btn qs-btn-quiet">{t().columns_menu}</summary>
            <div class="qs-columns-menu" role="group" aria-label=t().columns_menu>{boxes}</div>
        </details>
    }
}

/// The selection table under Job runs.
#[component]
pub fn SelectionPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let view = expect_context::<ViewState>();
    let config = expect_context::<Config>();
    let sort = RwSignal::new((Column::Started, true));
    // A new selection or order starts at the first page.
    let page = page_signal(move || {
        a.brushed.track();
        sort.track();
    });
    // Only the rows of the visible page are built (a brush may hit 20k
    // runs); the CSV builds them all, on demand. Queued and run seconds are
    // clipped to the view's range, like every sum of the charts (SPEC §3),
    // so a backend clock far ahead does not stretch them.
    let rows = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let jobs = a.brushed.get()?;
        let (col, asc) = sort.get();
        let offset = page.get() * PAGE_ROWS;
        let range = a.range.get();
        Some(Shared::new(crate::dom::timed("qs:selection-table", || {
            analysis::table_page_in(&l.prepared, &jobs, range, col, asc, offset, PAGE_ROWS)
        })))
    });
    let total = Signal::derive(move || rows.with(|r| r.as_ref().map(|r| r.0 .0).unwrap_or(0)));
    let base = data_status(t().no_jobs);
    let status = Signal::derive(move || match base.get() {
        PanelStatus::Ready if !view.has_brush() => PanelStatus::Empty(t().select_hint.into()),
        PanelStatus::Ready if total.get() == 0 => PanelStatus::Empty(t().no_run_in_span.into()),
        s => s,
    });
    let download = move |_| {
        let (Some(l), Some(jobs)) = (a.prepared.get_untracked(), a.brushed.get_untracked()) else {
            return;
        };
        let ((col, asc), range) = (sort.get_untracked(), a.range.get_untracked());
        let all = analysis::table_rows_in(&l.prepared, &jobs, range, col, asc);
        crate::dom::download(
            "queuescope-selection.csv",
            "text/csv",
            &analysis::rows_to_csv(&all),
        );
    };
    let hidden = RwSignal::new(DEFAULT_HIDDEN.to_vec());
    let actions = ViewFn::from(move || {
        view! { <ColumnChooser hidden=hidden/> <button class="qs-btn qs-btn-quiet" data-download-csv disabled=move || total.get() == 0 on:click=download>{t().download_csv}</button> }
    });
    view! {
        <Panel name="selection" title=t().selected_runs status=status class="qs-wide" actions=actions
            subtitle=Signal::derive(move || (t().runs_selected)(&format::count(total.get())))>
            <div class="qs-table-wrap">
                <table class=move || hidden_classes(&hidden.get())>
                    <thead><tr>{sort_header(sort)}</tr></thead>
                    <tbody>{row_slots(rows, config)}</tbody>
                </table>
            </div>
            <Pager page=page total=total per_page=PAGE_ROWS/>
        </Panel>
    }
}

/// The page's rows of the selection table, made once and updated in
/// place: a new brush rewrites the texts and attributes that differ in
/// the 50 rows (a rebuild made ~950 elements and their attributes every
/// brush); a row the page does not fill is `hidden` and loses its
/// `data-job-id`. Hidden is `display: none`: collapsed rows
/// (`visibility: collapse`) kept their computed style, so a brush restyled
/// ~250 fewer elements, but their ~1,000 layout objects made every other
/// interaction's layout and paint slower (filter, clear brush).
fn row_slots(rows: Memo<Option<Shared<(usize, Vec<TableRow>)>>>, config: Config) -> impl IntoView {
    let a = expect_context::<Analysis>();
    (0..PAGE_ROWS)
        .map(|k| {
            let config = config.clone();
            let shown =
                Memo::new(move |_| rows.with(|r| r.as_ref().is_some_and(|r| r.0 .1.len() > k)));
            // A row the page leaves empty keeps its last texts (equal: no
            // cell is written when the brush is cleared).
            let text = Memo::new(move |prev: Option<&RowText>| {
                a.zone.with(|zone| {
                    a.prepared.with(|loaded| {
                        rows.with(|r| {
                            let Some(row) = r.as_ref().and_then(|r| r.0 .1.get(k)) else {
                                return prev.cloned().unwrap_or_default();
                            };
                            let entity = loaded
                                .as_ref()
                                .and_then(|l| l.prepared.get(row.job as usize))
                                .and_then(|j| j.entity);
                            RowText::new(row, zone, &config, entity)
                        })
                    })
                })
            });
            row_slot(text, shown)
        })
        .collect_view()
}

/// The header cells of the selection table: click to sort, again to reverse.
fn sort_header(sort: RwSignal<(Column, bool)>) -> impl IntoView {
    COLUMNS
        .into_iter()
        .enumerate()
        .map(|(i, (col, name, numeric))| {
            let arrow = move || match sort.get() {
                (c, true) if c == col => " ▲",
                (c, false) if c == col => " ▼",
                _ => "",
            };
            let aria = move || match sort.get() {
                (c, true) if c == col => "ascending",
                (c, false) if c == col => "descending",
                _ => "none",
            };
            view! {
                <th class:qs-num=numeric aria-sort=aria>
                    <button class="qs-th-btn" data-sort=name on:click=move |_| sort.update(|s| *s = if s.0 == col { (col, !s.1) } else { (col, true) })>{t().columns[i]}{arrow}</button>
                </th>
            }
        })
        .collect_view()
}

fn time_cell(t: Option<i64>, zone: &analysis::Zone) -> String {
    t.map(|t| format::short_time(t, zone.offset_at(t)))
        .unwrap_or_else(|| "—".into())
}

/// What a row of the selection table shows, as text.
#[derive(Clone, Default, PartialEq)]
struct RowText {
    job_id: String,
    id_cell: CellText,
    /// The run's id (the run cell's tooltip).
    run_id: String,
    run: CellText,
    /// The run's page (SPEC §4 `run_url`), if configured.
    href: Option<String>,
    launch_job: CellText,
    project: CellText,
    user: CellText,
    state: CellText,
    /// `var(--qs-state-…)`: the state's colour token.
    state_color: String,
    enqueued: String,
    started: String,
    ended: String,
    queued: String,
    run_time: String,
}

impl RowText {
    fn new(
        row: &TableRow,
        zone: &analysis::Zone,
        config: &Config,
        entity: Option<&str>,
    ) -> RowText {
        let run_label = row
            .run_name
            .as_deref()
            .or(row.run_id.as_deref())
            .unwrap_or("—");
        RowText {
            job_id: row.job_id.clone(),
            id_cell: CellText::new(&row.job_id),
            run_id: row.run_id.clone().unwrap_or_default(),
            run: CellText::new(run_label),
            href: row
                .run_id
                .as_deref()
                .and_then(|id| config.run_link(entity, row.project.as_deref(), id)),
            launch_job: CellText::new(&row.launch_job),
            project: CellText::new(row.project.as_deref().unwrap_or(NONE_NAME)),
            user: CellText::new(row.user.as_deref().unwrap_or(NONE_NAME)),
            state: CellText::new(row.state.as_str()),
            state_color: format!("var({})", crate::render::palette::state_token(&row.state)),
            enqueued: time_cell(row.enqueued, zone),
            started: time_cell(row.started, zone),
            ended: time_cell(row.ended, zone),
            queued: format::duration(row.queued_secs),
            run_time: row
                .run_secs
                .map(format::duration)
                .unwrap_or_else(|| "—".into()),
        }
    }
}

/// A row of the selection table: it shows `text` while `shown`, and is
/// hidden, without `data-job-id`, otherwise. Every text and attribute
/// follows one memo and is written only when it differs; a hidden row
/// keeps its last texts (nothing reads a hidden row).
fn row_slot(text: Memo<RowText>, shown: Memo<bool>) -> impl IntoView {
    let get = move |f: fn(&RowText) -> String| text.with(f);
    let cell = move |f: fn(&RowText) -> &CellText| {
        let title = move || text.with(|r| f(r).title.clone());
        let words = move || text.with(|r| f(r).shown.clone());
        view! { <span class="qs-cell" title=title>{words}</span> }
    };
    view! {
        <tr data-job-id=move || shown.get().then(|| text.with(|r| r.job_id.clone())) hidden=move || !shown.get()>
            <td class="qs-mono">{cell(|r| &r.id_cell)}</td>
            <td title=move || get(|r| r.run_id.clone())>
                // Without a `run_url` the anchor has no `href`: plain text.
                <a href=move || text.with(|r| r.href.clone()) target="_blank" rel="noopener noreferrer">{cell(|r| &r.run)}</a>
            </td>
            <td>{cell(|r| &r.launch_job)}</td>
            <td>{cell(|r| &r.project)}</td>
            <td>{cell(|r| &r.user)}</td>
            <td><span class="qs-state" style:--qs-state-color=move || get(|r| r.state_color.clone())>{cell(|r| &r.state)}</span></td>
            <td>{move || get(|r| r.enqueued.clone())}</td>
            <td>{move || get(|r| r.started.clone())}</td>
            <td>{move || get(|r| r.ended.clone())}</td>
            <td class="qs-num">{move || get(|r| r.queued.clone())}</td>
            <td class="qs-num">{move || get(|r| r.run_time.clone())}</td>
        </tr>
    }
}

/// The errors panel: every error in the range, newest first.
#[component]
pub fn ErrorsPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let page = page_signal(move || {
        a.selection.track();
        a.range.track();
    });
    // Counts every error of the view but copies only the visible page.
    let rows = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let offset = page.get() * ERROR_ROWS;
        let range = a.range.get();
        Some(Shared::new(a.selection.with(|s| {
            crate::dom::timed("qs:errors", || {
                analysis::errors_page(&l.prepared, s, range, offset, ERROR_ROWS)
            })
        })))
    });
    let total = Signal::derive(move || rows.with(|r| r.as_ref().map(|r| r.0 .0).unwrap_or(0)));
    let base = data_status(t().no_jobs);
    let status = Signal::derive(move || match base.get() {
        PanelStatus::Ready if total.get() == 0 => PanelStatus::Empty(t().no_errors.into()),
        s => s,
    });
    // Keyed rows: a row that stays on the page (a refresh, a filter that
    // keeps it) is neither rebuilt nor rewritten; one that comes is built.
    let items = move || {
        let zone = a.zone.get();
        rows.with(|r| {
            let Some(r) = r else { return Vec::new() };
            let (_, page) = &**r;
            error_items(page, &zone)
        })
    };
    view! {
        <Panel name="errors" title=t().errors status=status class="qs-wide"
            subtitle=Signal::derive(move || (t().errors_note)(&format::count(total.get())))>
            <div class="qs-table-wrap">
                <table class="qs-table qs-fit qs-errors-table">
                    <thead><tr><th>{t().time}</th><th>{t().field(Field::Job)}</th><th>{t().columns[1]}</th><th>{t().field(Field::User)}</th><th>{t().message}</th></tr></thead>
                    <tbody><For each=items key=|i| i.key.clone() children=|i| error_row(&i.row, i.key.2)/></tbody>
                </table>
            </div>
            <Pager page=page total=total per_page=ERROR_ROWS/>
        </Panel>
    }
}

/// An errors row and what tells it apart on the page.
#[derive(Clone)]
struct ErrorItem {
    /// The job, when, the zone's offset then (a new zone draws new rows),
    /// and how many rows before it on the page have the same job and time
    /// (so that keys are unique).
    key: (String, Ms, Ms, usize),
    row: ErrorRow,
}

/// The page's rows with their keys.
fn error_items(rows: &[ErrorRow], zone: &analysis::Zone) -> Vec<ErrorItem> {
    rows.iter()
        .enumerate()
        .map(|(i, e)| {
            let same = rows[..i]
                .iter()
                .filter(|p| p.at == e.at && p.job_id == e.job_id)
                .count();
            ErrorItem {
                key: (e.job_id.clone(), e.at, zone.offset_at(e.at), same),
                row: e.clone(),
            }
        })
        .collect()
}

/// An errors row; `offset`: the zone's offset at its time.
fn error_row(e: &ErrorRow, offset: Ms) -> impl IntoView {
    let message = if e.message.chars().count() > LONG_MESSAGE {
        let head: String = e.message.chars().take(LONG_MESSAGE).collect();
        view! { <details class="qs-long"><summary>{head}"…"</summary><pre>{e.message.clone()}</pre></details> }.into_any()
    } else {
        view! { <span>{e.message.clone()}</span> }.into_any()
    };
    view! {
        <tr data-job-id=e.job_id.clone() data-at=e.at.to_string()>
            <td class="qs-nowrap">{format::short_time(e.at, offset)}</td>
            <td>{cell_text(&e.launch_job)}</td>
            <td class="qs-mono">{cell_text(e.run_id.as_deref().unwrap_or("—"))}</td>
            <td>{cell_text(e.user.as_deref().unwrap_or(NONE_NAME))}</td>
            <td class="qs-msg">{message}</td>
        </tr>
    }
    .into_any()
}
