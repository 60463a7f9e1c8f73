//! The selection table (runs picked by the brush) and the errors list.
//! Rows carry `data-job-id` (SPEC §6); both are paginated so the DOM stays
//! small with thousands of rows.

use super::panel::{data_status, page_signal, Pager, Panel, PanelStatus};
use crate::config::Config;
use crate::format;
use crate::hooks::{mark_settling, use_media, use_settling, IN_VIEW_MARGIN_PX};
use crate::i18n::t;
use crate::state::{Analysis, Readiness, Shared, ViewState};
use leptos::html::{Div, Tbody, Tr};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Column, ErrorRow, Field, TableRow, NONE_NAME};
use queuescope_core::model::Ms;
use queuescope_core::slots::{follow, moves, SlotPlan};

/// A page of the selection table: every row's count, the page's rows.
type TablePage = (usize, Vec<TableRow>);

/// Rows per page of the selection table.
const PAGE_ROWS: usize = 50;
/// Rows per page of the errors list.
const ERROR_ROWS: usize = 25;
/// Messages longer than this are folded behind "more".
const LONG_MESSAGE: usize = 140;
/// Names and ids longer than this are clipped in a cell (the whole text is
/// its tooltip): a backend may send 4 KB of them.
const LONG_CELL: usize = 48;
/// Texts up to this many characters show whole in a cell (no title).
const FITS_CELL: usize = 24;

/// What a table cell shows of a name or id from the backend: at most
/// [`LONG_CELL`] characters, and the whole text as its title when it may
/// not show whole (text nodes only: strings from the backend are never
/// HTML).
#[derive(Debug, Clone, Default, PartialEq)]
struct CellText {
    shown: String,
    title: Option<String>,
}

impl CellText {
    fn of(text: &str) -> Self {
        CellText {
            shown: queuescope_core::text::clip(text, LONG_CELL).into_owned(),
            title: (text.chars().count() > FITS_CELL).then(|| text.to_string()),
        }
    }
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
/// the column chooser.
const DEFAULT_HIDDEN: [usize; 3] = [3, 6, 8];
/// A window this narrow (the stylesheet's narrow layout) also hides Launch
/// job until the user picks columns: next to the sidebar, eight columns
/// leave each name ~70 px at 1024 px, and the ids went to two lines.
const NARROW_WINDOW: &str = "(max-width: 1200px)";
/// Launch job's index in [`COLUMNS`].
const LAUNCH_JOB: usize = 2;

/// The columns the table shows without, in a `narrow` window or not.
fn default_hidden(narrow: bool) -> Vec<usize> {
    let mut hidden = DEFAULT_HIDDEN.to_vec();
    if narrow {
        hidden.push(LAUNCH_JOB);
    }
    hidden
}

/// `hidden` with column `i` shown if it was hidden, hidden if it was shown.
fn toggled(mut hidden: Vec<usize>, i: usize) -> Vec<usize> {
    match hidden.iter().position(|&x| x == i) {
        Some(p) => {
            hidden.remove(p);
        }
        None => hidden.push(i),
    }
    hidden
}

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

/// The column chooser: a checkbox per column of the selection table
/// (`hidden` now; a click makes the user's own choice, `chosen`).
#[component]
fn ColumnChooser(
    hidden: Signal<Vec<usize>>,
    chosen: RwSignal<Option<Vec<usize>>>,
) -> impl IntoView {
    let boxes = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (_, key, _))| {
            let shown = move || hidden.with(|h| !h.contains(&i));
            let toggle = move |_| chosen.set(Some(toggled(hidden.get_untracked(), i)));
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
    // A narrow window shows fewer columns, following the window's width
    // until the user picks columns in the chooser (a window made narrow
    // after the load kept Launch job, and every name wrapped).
    let narrow = use_media(NARROW_WINDOW);
    let chosen = RwSignal::new(None::<Vec<usize>>);
    let hidden =
        Signal::derive(move || chosen.get().unwrap_or_else(|| default_hidden(narrow.get())));
    let actions = ViewFn::from(move || {
        view! { <ColumnChooser hidden=hidden chosen=chosen/> <button class="qs-btn qs-btn-quiet" data-download-csv disabled=move || total.get() == 0 on:click=download>{t().download_csv}</button> }
    });
    view! {
        <Panel name="selection" title=t().selected_runs status=status class="qs-wide" actions=actions
            subtitle=Signal::derive(move || (t().runs_selected)(&format::count(total.get())))>
            <div class="qs-table-wrap">
                // Laid out as grid rows (the stylesheet): the roles keep
                // the table's semantics, which a non-table display drops.
                <table role="table" class=move || hidden_classes(&hidden.get())>
                    <thead role="rowgroup"><tr role="row">{sort_header(sort)}</tr></thead>
                    {selection_rows(rows, config)}
                </table>
            </div>
            <Pager page=page total=total per_page=PAGE_ROWS/>
        </Panel>
    }
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
                <th role="columnheader" class:qs-num=numeric aria-sort=aria>
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

/// The selection table's body: the page's rows, written by
/// [`write_rows`] whenever the page, the zone or the data change.
fn selection_rows(rows: Memo<Option<Shared<TablePage>>>, config: Config) -> impl IntoView {
    let a = expect_context::<Analysis>();
    let body = NodeRef::<Tbody>::new();
    crate::reactive::effect(move || {
        let Some(el) = body.get() else { return };
        let zone = a.zone.get();
        let loaded = a.prepared.get();
        rows.with(|r| {
            let page = r.as_deref().map_or(&[][..], |(_, page)| page.as_slice());
            let entity = |row: &TableRow| {
                loaded
                    .as_ref()
                    .and_then(|l| l.prepared.get(row.job as usize))
                    .and_then(|j| j.entity)
                    .map(str::to_string)
            };
            let near = rows_near_screen(&el);
            if let Err(e) = write_rows(&el, page, &zone, &config, near, entity) {
                web_sys::console::error_2(&"the selection table's rows".into(), &e);
            }
        });
        // New rows off screen are laid out after `ready`, not in the frames
        // of the change (the stylesheet's `tbody[data-settling]`), or once
        // a user scrolls them near.
        let body: web_sys::Element = el.clone().into();
        mark_settling(&el, move || skipped_row_near(&body));
    });
    view! { <tbody role="rowgroup" node_ref=body></tbody> }
}

/// The least height of a selection row (px): one line of 13 px text, its
/// padding and border (29.2 px in English; a little under, to be sure).
const MIN_ROW_PX: f64 = 26.0;

/// How many rows from the top of `body` may stand within
/// [`IN_VIEW_MARGIN_PX`] of the viewport or above it: the rows after them
/// are surely below it, as no row is less than [`MIN_ROW_PX`] tall. Reads
/// the body's place before its new rows are written (its top does not move
/// with them).
fn rows_near_screen(body: &web_sys::Element) -> usize {
    let Some(height) = crate::dom::viewport_height() else {
        return usize::MAX;
    };
    let room = height + IN_VIEW_MARGIN_PX - body.get_bounding_client_rect().top();
    // Saturating: a room of 0 or less is 0 rows.
    (room / MIN_ROW_PX).ceil().max(0.0) as usize
}

/// Whether the first row of `body` written as off screen is now within
/// [`IN_VIEW_MARGIN_PX`] of the viewport (a user scrolled to it).
fn skipped_row_near(body: &web_sys::Element) -> bool {
    let height = crate::dom::viewport_height().unwrap_or(f64::INFINITY);
    body.query_selector(":scope > tr[data-off-screen]")
        .ok()
        .flatten()
        .is_some_and(|tr| tr.get_bounding_client_rect().top() < height + IN_VIEW_MARGIN_PX)
}

/// Replaces the rows of `body` by one row per `page` row (`entity`: a
/// row's entity, for its run link). Each row is a clone of one skeleton
/// `<tr>` (a `<td>` per column, with its class; ARIA roles, as the rows are
/// laid out as grid rows) whose cells get their text
/// and title: a brush writes 50 rows, and an element per node built,
/// inserted and attributed one call at a time was most of its script
/// (docs/design.md, branch rows5). All rows go in with one call. Only a run
/// link (or a long run name's tooltip: the cell's title is the run id)
/// adds an element. Texts are text nodes, never HTML. Rows from the
/// `near`-th on are marked `data-off-screen` (skipped while the page loads).
fn write_rows(
    body: &web_sys::HtmlElement,
    page: &[TableRow],
    zone: &analysis::Zone,
    config: &Config,
    near: usize,
    entity: impl Fn(&TableRow) -> Option<String>,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let doc = body
        .owner_document()
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let skeleton = doc.create_element("tr")?;
    skeleton.set_attribute("role", "row")?;
    for (_, key, numeric) in COLUMNS {
        let td = doc.create_element("td")?;
        td.set_attribute("role", "cell")?;
        if numeric {
            td.set_class_name("qs-num");
        } else if key == "Job id" {
            td.set_class_name("qs-mono");
        }
        skeleton.append_child(&td)?;
    }
    let rows = js_sys::Array::new();
    for (i, row) in page.iter().enumerate() {
        let tr: web_sys::Element = skeleton.clone_node_with_deep(true)?.unchecked_into();
        tr.set_attribute("data-job-id", &row.job_id)?;
        if i >= near {
            tr.set_attribute("data-off-screen", "")?;
        }
        let link = row
            .run_id
            .as_deref()
            .and_then(|id| config.run_link(entity(row).as_deref(), row.project.as_deref(), id));
        let mut cells =
            std::iter::successors(tr.first_element_child(), |td| td.next_element_sibling());
        let mut next = || {
            cells
                .next()
                .ok_or_else(|| wasm_bindgen::JsValue::from_str("a cell short"))
        };
        put_text(&next()?, row.job_id.as_str())?;
        put_run(&doc, &next()?, row, link)?;
        put_text(&next()?, &row.launch_job)?;
        put_text(&next()?, row.project.as_deref().unwrap_or(NONE_NAME))?;
        put_text(&next()?, row.user.as_deref().unwrap_or(NONE_NAME))?;
        let state = next()?;
        state.set_class_name(&format!(
            "qs-state-cell {}",
            crate::render::palette::state_class(&row.state)
        ));
        put_text(&state, row.state.as_str())?;
        for t in [row.enqueued, row.started, row.ended] {
            next()?.set_text_content(Some(&time_cell(t, zone)));
        }
        next()?.set_text_content(Some(&format::duration(row.queued_secs)));
        let run_secs = row.run_secs.map(format::duration);
        next()?.set_text_content(Some(run_secs.as_deref().unwrap_or("—")));
        rows.push(&tr);
    }
    body.replace_children_with_node(&rows);
    Ok(())
}

/// Writes `row`'s run into its cell `run`: the run id as the cell's title,
/// its name (or id) as a link to `link`, or in a span with the whole name
/// as its tooltip when it is clipped, or as the cell's text.
fn put_run(
    doc: &web_sys::Document,
    run: &web_sys::Element,
    row: &TableRow,
    link: Option<String>,
) -> Result<(), wasm_bindgen::JsValue> {
    run.set_attribute("title", row.run_id.as_deref().unwrap_or_default())?;
    let label = row
        .run_name
        .as_deref()
        .or(row.run_id.as_deref())
        .unwrap_or("—");
    match (link, CellText::of(label)) {
        (Some(href), text) => {
            let a = doc.create_element("a")?;
            a.set_attribute("href", &href)?;
            a.set_attribute("target", "_blank")?;
            a.set_attribute("rel", "noopener noreferrer")?;
            put_cell(&a, &text)?;
            run.append_child(&a)?;
        }
        (None, text @ CellText { title: Some(_), .. }) => {
            let span = doc.create_element("span")?;
            put_cell(&span, &text)?;
            run.append_child(&span)?;
        }
        (None, text) => run.set_text_content(Some(&text.shown)),
    }
    Ok(())
}

/// Writes a name or id from the backend into `el` as [`CellText`] says
/// (clipped; the whole as its title when it may not show whole). A cell's
/// text sits in the `<td>` itself, which the table's fixed layout keeps to
/// its column with an ellipsis.
fn put_text(el: &web_sys::Element, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    put_cell(el, &CellText::of(text))
}

/// [`put_text`] of a [`CellText`] already made.
fn put_cell(el: &web_sys::Element, text: &CellText) -> Result<(), wasm_bindgen::JsValue> {
    el.set_text_content(Some(&text.shown));
    match &text.title {
        Some(title) => el.set_attribute("title", title),
        None => Ok(()),
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
    let lines = Memo::new(move |_| {
        let zone = a.zone.get();
        rows.with(|r| {
            r.as_ref().map_or_else(Vec::new, |r| {
                let (_, page) = &**r;
                page.iter()
                    .map(|e| ErrorLine::of(e, zone.offset_at(e.at)))
                    .collect()
            })
        })
    });
    let slots = error_rows(lines);
    // Off screen, new rows are laid out after the frame of the change.
    let wrap = NodeRef::<Div>::new();
    use_settling(wrap, expect_context::<Readiness>().on_busy(), move || {
        lines.track()
    });
    view! {
        <Panel name="errors" title=t().errors status=status class="qs-wide"
            subtitle=Signal::derive(move || (t().errors_note)(&format::count(total.get())))>
            <div class="qs-table-wrap qs-settle" node_ref=wrap>
                <table class="qs-table qs-fit qs-errors-table">
                    <thead><tr><th>{t().time}</th><th>{t().field(Field::Job)}</th><th>{t().columns[1]}</th><th>{t().field(Field::User)}</th><th>{t().message}</th></tr></thead>
                    <tbody>{slots}</tbody>
                </table>
            </div>
            <Pager page=page total=total per_page=ERROR_ROWS/>
        </Panel>
    }
}

/// Everything one row of the errors page shows.
#[derive(Debug, Clone, PartialEq)]
struct ErrorLine {
    /// `data-job-id`.
    job_id: String,
    /// `data-at`: when, in milliseconds.
    at: String,
    /// When, in the view's zone.
    time: String,
    job: CellText,
    run: CellText,
    user: CellText,
    /// The message, or its first [`LONG_MESSAGE`] characters when it is
    /// longer (the whole is then in `whole`, folded behind them).
    message: String,
    whole: Option<String>,
}

impl ErrorLine {
    /// The row of `e`; `offset`: the zone's offset at its time.
    fn of(e: &ErrorRow, offset: Ms) -> Self {
        let long = e.message.chars().count() > LONG_MESSAGE;
        ErrorLine {
            job_id: e.job_id.clone(),
            at: e.at.to_string(),
            time: format::short_time(e.at, offset),
            job: CellText::of(&e.launch_job),
            run: CellText::of(e.run_id.as_deref().unwrap_or("—")),
            user: CellText::of(e.user.as_deref().unwrap_or(NONE_NAME)),
            message: if long {
                e.message.chars().take(LONG_MESSAGE).collect()
            } else {
                e.message.clone()
            },
            whole: long.then(|| e.message.clone()),
        }
    }

    /// Whether `self` and `other` show the same error (its job and time;
    /// equal pairs are matched in page order): the error keeps its row.
    fn same_error(&self, other: &Self) -> bool {
        self.job_id == other.job_id && self.at == other.at
    }
}

/// The errors page's rows: [`ERROR_ROWS`] slots made once, each showing one
/// error of `page` (or hidden). A new page is written into them in place:
/// a filter replaces nearly every row of the page, and new rows cost a
/// style recalculation of their ~250 elements and new layout objects,
/// where new texts cost neither (docs/design.md, branch contain). And a
/// slot follows its error (`slots::follow`, branch refresh9): a live
/// queue's newest errors come on top at every refresh, so with slot `i`
/// showing the page's error `i` a refresh that brought `k` rewrote every
/// row and re-broke every wrapped message; now it writes `k` rows, and the
/// rows are put in page order by moving the fewest `<tr>`s. A row writes
/// only what differs from what it shows.
fn error_rows(page: Memo<Vec<ErrorLine>>) -> impl IntoView {
    let plan = Memo::new(move |old: Option<&SlotPlan<ErrorLine>>| {
        let empty;
        let old = match old {
            Some(old) => old,
            None => {
                empty = SlotPlan::empty(ERROR_ROWS);
                &empty
            }
        };
        follow(old, page.get(), ErrorLine::same_error)
    });
    let nodes: Vec<NodeRef<Tr>> = (0..ERROR_ROWS).map(|_| NodeRef::new()).collect();
    let rows = nodes
        .iter()
        .enumerate()
        .map(|(i, &node)| {
            let line = Memo::new(move |_| plan.with(|p| p.items.get(i).cloned().flatten()));
            error_slot(line, node)
        })
        .collect_view();
    // The order the rows stand in (the slots are built in index order).
    let standing = StoredValue::new((0..ERROR_ROWS).collect::<Vec<usize>>());
    crate::reactive::effect(move || {
        let order = plan.with(|p| p.order.clone());
        standing.update_value(|from| {
            if place_rows(&nodes, from, &order) {
                *from = order;
            }
        });
    });
    rows
}

/// Moves the row nodes standing in the order `from` (slots) into `to`,
/// with the fewest moves; false (nothing moved) while the rows are not all
/// mounted.
fn place_rows(nodes: &[NodeRef<Tr>], from: &[usize], to: &[usize]) -> bool {
    let Some(rows) = nodes
        .iter()
        .map(|n| n.get_untracked())
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let row = |s: usize| rows.get(s);
    let Some(parent) = from.first().and_then(|&s| row(s)?.parent_node()) else {
        return false;
    };
    // Whatever follows the rows (a marker, or nothing): "after every other".
    let end = from.last().and_then(|&s| row(s)?.next_sibling());
    for (s, before) in moves(from, to) {
        let before = match before {
            Some(b) => row(b).map(|r| web_sys::Node::from(r.clone())),
            None => end.clone(),
        };
        if let Some(r) = row(s) {
            let _ = parent.insert_before(r, before.as_ref());
        }
    }
    true
}

/// One row of the errors page, showing `line` (hidden, without its
/// `data-job-id`, while the page has no row there).
fn error_slot(line: Memo<Option<ErrorLine>>, node: NodeRef<Tr>) -> impl IntoView {
    let long = Memo::new(move |_| line.with(|l| l.as_ref().is_some_and(|l| l.whole.is_some())));
    let message = move || {
        if long.get() {
            // Folded again whenever the row shows another error.
            // Open, the summary says what is below instead of repeating its
            // first 140 characters above it.
            view! { <details class="qs-long" prop:open=move || { line.track(); false }><summary><span class="qs-long-clip">{line_text(line, |l| &l.message)}"…"</span><span class="qs-long-open">{t().whole_message}</span></summary><pre>{line_text(line, |l| l.whole.as_deref().unwrap_or_default())}</pre></details> }.into_any()
        } else {
            view! { <span>{line_text(line, |l| &l.message)}</span> }.into_any()
        }
    };
    view! {
        <tr node_ref=node hidden=move || line.with(Option::is_none)
            data-job-id=move || line.with(|l| l.as_ref().map(|l| l.job_id.clone()))
            data-at=move || line.with(|l| l.as_ref().map(|l| l.at.clone()))>
            <td class="qs-nowrap">{line_text(line, |l| &l.time)}</td>
            <td>{line_cell(line, |l| &l.job)}</td>
            <td class="qs-mono">{line_cell(line, |l| &l.run)}</td>
            <td>{line_cell(line, |l| &l.user)}</td>
            <td class="qs-msg">{move || message()}</td>
        </tr>
    }
}

/// A text of a row slot's line (empty while the slot has none).
fn line_text(
    line: Memo<Option<ErrorLine>>,
    pick: fn(&ErrorLine) -> &str,
) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || line.with(|l| l.as_ref().map(pick).unwrap_or_default().to_string())
}

/// A `.qs-cell` of a row slot's line: its [`CellText`] in a span the
/// stylesheet keeps to a column's width (an ellipsis past it).
fn line_cell(line: Memo<Option<ErrorLine>>, pick: fn(&ErrorLine) -> &CellText) -> impl IntoView {
    let shown = move || {
        line.with(|l| {
            l.as_ref()
                .map(|l| pick(l).shown.clone())
                .unwrap_or_default()
        })
    };
    view! { <span class="qs-cell" title=move || line.with(|l| l.as_ref().and_then(|l| pick(l).title.clone()))>{move || shown()}</span> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A narrow window shows no Launch job, a wide one does; both hide
    /// Project, Enqueued and Ended. The chooser toggles one column.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_narrow_window_hides_launch_job() {
        assert_eq!(COLUMNS[LAUNCH_JOB].1, "Launch job");
        assert_eq!(default_hidden(false), vec![3, 6, 8]);
        assert_eq!(default_hidden(true), vec![3, 6, 8, LAUNCH_JOB]);
        assert_eq!(toggled(vec![3, 6, 8], 6), vec![3, 8]);
        assert_eq!(toggled(vec![3, 8], 6), vec![3, 8, 6]);
    }

    /// Error `id`'s line (older as `id` grows).
    fn line(id: i64) -> ErrorLine {
        ErrorLine {
            job_id: format!("job-{id}"),
            at: (1_000_000 - id).to_string(),
            time: format!("t{id}"),
            job: CellText::of("launch"),
            run: CellText::of(&format!("run-{id}")),
            user: CellText::of("alice"),
            message: format!("message {id}"),
            whole: None,
        }
    }

    /// The body's rows as they stand, with their `data-job-id` and text.
    fn rows(body: &web_sys::Element) -> Vec<(web_sys::Element, Option<String>, String)> {
        let list = body.children();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|r| {
                let id = r.get_attribute("data-job-id");
                let text = r.text_content().unwrap_or_default();
                (r, id, text)
            })
            .collect()
    }

    /// Lets the effects of a change run (a zero timeout runs after them).
    async fn settle() {
        gloo_timers::future::sleep(Duration::from_millis(0)).await;
    }

    /// A selection row of `run` (a run id, its name) in `state`, with a
    /// launch job name of `launch`.
    fn table_row(run: Option<(&str, &str)>, launch: &str, state: &str) -> TableRow {
        TableRow {
            job: 0,
            job_id: "item-7".into(),
            run_id: run.map(|r| r.0.into()),
            run_name: run.map(|r| r.1.into()),
            launch_job: launch.into(),
            project: None,
            user: Some("alice".into()),
            state: queuescope_core::model::JobState::parse(state),
            enqueued: Some(0),
            started: Some(60_000),
            ended: None,
            queued_secs: 60.0,
            run_secs: Some(3_600.0),
        }
    }

    /// A table body in the test host, made of `html`.
    fn mounted_body(html: &str) -> (web_sys::HtmlElement, web_sys::HtmlElement) {
        use wasm_bindgen::JsCast;
        let host = crate::wasm_tests::host();
        host.set_inner_html(html);
        let body = host
            .query_selector("tbody")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into().ok())
            .expect("a tbody");
        (host, body)
    }

    /// The `<tr>` that [`write_rows`] makes of `row`, in a table.
    fn mounted_row(row: TableRow, config: Config) -> web_sys::HtmlTableRowElement {
        use wasm_bindgen::JsCast;
        let (host, body) =
            mounted_body("<table><tbody><tr><td>an old row</td></tr></tbody></table>");
        write_rows(&body, &[row], &analysis::Zone::Utc, &config, 1, |_| None).expect("written");
        assert_eq!(body.children().length(), 1, "the old row replaced");
        host.query_selector("tr")
            .ok()
            .flatten()
            .and_then(|r| r.dyn_into().ok())
            .expect("a row")
    }

    /// Each cell of a row: (text, title, its child elements' tags).
    fn cells(tr: &web_sys::HtmlTableRowElement) -> Vec<(String, Option<String>, Vec<String>)> {
        let list = tr.cells();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|td| {
                let kids = td.children();
                let tags = (0..kids.length())
                    .filter_map(|k| kids.item(k))
                    .map(|k| k.tag_name())
                    .collect();
                (
                    td.text_content().unwrap_or_default(),
                    td.get_attribute("title"),
                    tags,
                )
            })
            .collect()
    }

    /// A selection row is a `<td>` per column with its text in it (a
    /// brush builds 50 of them): long names are clipped with the whole as
    /// the cell's title, the run cell's title is the run id (so a long run
    /// name's tooltip is a span's, the only element in a cell without a
    /// link), an unknown state is shown as itself with the neutral dot.
    #[wasm_bindgen_test::wasm_bindgen_test]
    async fn a_selection_row_is_its_cells_texts() {
        let long = "w".repeat(60);
        let tr = mounted_row(
            table_row(Some(("r1", &long)), &long, "held-by-admin"),
            Config::default(),
        );
        settle().await;
        assert_eq!(tr.get_attribute("data-job-id").as_deref(), Some("item-7"));
        let got = cells(&tr);
        let clipped = queuescope_core::text::clip(&long, LONG_CELL).into_owned();
        assert_eq!(got.len(), COLUMNS.len());
        assert_eq!(got[0], ("item-7".into(), None, vec![]));
        assert_eq!(
            got[1],
            (clipped.clone(), Some("r1".into()), vec!["SPAN".into()])
        );
        assert_eq!(got[2], (clipped, Some(long.clone()), vec![]));
        assert_eq!(got[3], (NONE_NAME.into(), None, vec![]));
        assert_eq!(got[4], ("alice".into(), None, vec![]));
        assert_eq!(got[5], ("held-by-admin".into(), None, vec![]));
        assert!(got.iter().skip(6).all(|c| c.2.is_empty() && c.1.is_none()));
        assert_eq!(got[9].0, format::duration(60.0));
        let span = tr.query_selector("td span").ok().flatten().expect("a span");
        assert_eq!(span.get_attribute("title"), Some(long));
        let state = tr.cells().item(5).expect("a state cell");
        assert_eq!(state.class_name(), "qs-state-cell qs-dot-other");

        let config = Config {
            run_url: Some("https://runs.example/{run_id}".into()),
            ..Config::default()
        };
        let tr = mounted_row(table_row(Some(("r2", "short")), "job", "running"), config);
        settle().await;
        let got = cells(&tr);
        assert_eq!(
            got[1],
            ("short".into(), Some("r2".into()), vec!["A".into()])
        );
        let a = tr.query_selector("td a").ok().flatten().expect("a link");
        assert_eq!(
            a.get_attribute("href").as_deref(),
            Some("https://runs.example/r2")
        );
        assert_eq!(a.get_attribute("title"), None);
        let state = tr.cells().item(5).expect("a state cell");
        assert_eq!(state.class_name(), "qs-state-cell qs-dot-running");
        let tr = mounted_row(table_row(None, "job", "queued"), Config::default());
        settle().await;
        assert_eq!(cells(&tr)[1], ("—".into(), Some(String::new()), vec![]));
        assert_eq!(tr.get_attribute("role").as_deref(), Some("row"));
        assert_eq!(
            tr.cells().item(0).and_then(|c| c.get_attribute("role")),
            Some("cell".into())
        );
    }

    /// The rows from the `near`-th on are marked off screen (the stylesheet
    /// skips them while the page loads), the ones before are not; every
    /// row has its id and text either way.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn rows_past_the_screen_are_marked_off_screen() {
        let (_, body) = mounted_body("<table><tbody></tbody></table>");
        let page: Vec<TableRow> = (0..4)
            .map(|i| TableRow {
                job_id: format!("item-{i}"),
                ..table_row(None, "job", "running")
            })
            .collect();
        let config = Config::default();
        write_rows(&body, &page, &analysis::Zone::Utc, &config, 2, |_| None).expect("written");
        let got: Vec<(Option<String>, bool, String)> = rows(&body)
            .into_iter()
            .map(|(tr, id, _)| {
                let first = tr.first_element_child().and_then(|c| c.text_content());
                (
                    id,
                    tr.has_attribute("data-off-screen"),
                    first.unwrap_or_default(),
                )
            })
            .collect();
        let want: Vec<(Option<String>, bool, String)> = (0..4)
            .map(|i| (Some(format!("item-{i}")), i >= 2, format!("item-{i}")))
            .collect();
        assert_eq!(got, want);
        write_rows(&body, &page, &analysis::Zone::Utc, &config, 0, |_| None).expect("written");
        assert!(rows(&body)
            .iter()
            .all(|r| r.0.has_attribute("data-off-screen")));
        write_rows(
            &body,
            &page,
            &analysis::Zone::Utc,
            &config,
            usize::MAX,
            |_| None,
        )
        .expect("written");
        assert!(rows(&body)
            .iter()
            .all(|r| !r.0.has_attribute("data-off-screen")));
    }

    /// A page shifted by one new error on top writes one row and moves it:
    /// every other row is the same element with the same text, and the rows
    /// stand in page order. A page of new errors (a filter) is written into
    /// the rows in place, the rest hidden and blank.
    #[wasm_bindgen_test::wasm_bindgen_test]
    async fn a_row_follows_its_error_and_new_ones_take_the_freed_rows() {
        let host = crate::wasm_tests::host();
        let page = RwSignal::new((0..25).map(line).collect::<Vec<_>>());
        let _mounted = leptos::mount::mount_to(host.clone(), move || {
            let lines = Memo::new(move |_| page.get());
            view! { <table><tbody>{error_rows(lines)}</tbody></table> }
        });
        settle().await;
        let body = host
            .query_selector("tbody")
            .ok()
            .flatten()
            .expect("a tbody");
        let before = rows(&body);
        let ids = |rs: &[(web_sys::Element, Option<String>, String)]| {
            rs.iter().map(|r| r.1.clone()).collect::<Vec<_>>()
        };
        let want = |page: &[i64]| {
            page.iter()
                .map(|i| Some(format!("job-{i}")))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&before), want(&(0..25).collect::<Vec<_>>()));

        page.set(std::iter::once(line(-1)).chain((0..24).map(line)).collect());
        settle().await;
        let after = rows(&body);
        assert_eq!(
            ids(&after),
            want(&(-1..24).collect::<Vec<_>>()),
            "rows in page order"
        );
        assert!(after[0].2.contains("message -1"), "{}", after[0].2);
        for j in 1..25 {
            let (was, now) = (&before[j - 1], &after[j]);
            assert!(
                now.0.is_same_node(Some(&was.0)),
                "row {j} is the same element"
            );
            assert_eq!(now.2, was.2, "row {j} kept its text");
        }

        page.set((100..103).map(line).collect());
        settle().await;
        let filtered = rows(&body);
        for (j, (now, was)) in filtered.iter().zip(&after).enumerate() {
            assert!(now.0.is_same_node(Some(&was.0)), "row {j} written in place");
        }
        let mut shown = want(&[100, 101, 102]);
        shown.resize(25, None);
        assert_eq!(ids(&filtered), shown);
        assert!(filtered[3..]
            .iter()
            .all(|r| r.0.has_attribute("hidden") && r.2.is_empty()));
    }
}
