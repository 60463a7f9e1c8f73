//! The selection table (brushed runs), its CSV export, and the errors table.

use std::cmp::Ordering;

use super::filter::Selection;
use super::prepared::Prepared;
use super::time::TimeRange;
use crate::model::{JobState, Ms, SECOND};
use crate::time::format_rfc3339;

/// A sortable column of the selection table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Column {
    /// Queue item id.
    JobId,
    /// Run name (then run id).
    Run,
    /// Launch job name.
    Job,
    /// Project.
    Project,
    /// User.
    User,
    /// Current state, in display order.
    State,
    /// First transition.
    Enqueued,
    /// Run start (the default: the brush lists runs in start order).
    #[default]
    Started,
    /// Terminal transition.
    Ended,
    /// Total idle + queued seconds.
    QueuedSecs,
    /// Run length in seconds.
    RunSecs,
}

impl Column {
    /// All columns, in table order.
    pub const ALL: [Column; 11] = [
        Column::JobId,
        Column::Run,
        Column::Job,
        Column::Project,
        Column::User,
        Column::State,
        Column::Enqueued,
        Column::Started,
        Column::Ended,
        Column::QueuedSecs,
        Column::RunSecs,
    ];

    /// Header text (also the CSV header, lowercase there).
    pub fn title(self) -> &'static str {
        match self {
            Column::JobId => "Job id",
            Column::Run => "Run",
            Column::Job => "Launch job",
            Column::Project => "Project",
            Column::User => "User",
            Column::State => "State",
            Column::Enqueued => "Enqueued",
            Column::Started => "Started",
            Column::Ended => "Ended",
            Column::QueuedSecs => "Queued (s)",
            Column::RunSecs => "Run (s)",
        }
    }
}

/// One row of the selection table: what a user wants to know about a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Job index into [`Prepared`].
    pub job: u32,
    /// Queue item id (`data-job-id`).
    pub job_id: String,
    /// Run id.
    pub run_id: Option<String>,
    /// Run name.
    pub run_name: Option<String>,
    /// Launch job name.
    pub launch_job: String,
    /// Project.
    pub project: Option<String>,
    /// User.
    pub user: Option<String>,
    /// Current state.
    pub state: JobState,
    /// First transition.
    pub enqueued: Option<Ms>,
    /// First transition into `running`.
    pub started: Option<Ms>,
    /// Terminal transition, if it ended.
    pub ended: Option<Ms>,
    /// Idle + queued seconds of the job inside the range (see [`table_page_in`]).
    pub queued_secs: f64,
    /// Seconds of the run inside the range (a running job runs until
    /// `generated_at`); `None` if it never ran.
    pub run_secs: Option<f64>,
}

fn secs(ms: Ms) -> f64 {
    ms as f64 / SECOND as f64
}

/// Rows for `jobs` (e.g. the brush result), sorted by `sort`, their
/// seconds clipped to `range` (see [`table_page_in`]). Ties, and empty
/// cells (which go last in either direction), order by job id. Indices not
/// in `prep` are skipped.
pub fn table_rows_in(
    prep: &Prepared,
    jobs: &[u32],
    range: TimeRange,
    sort: Column,
    ascending: bool,
) -> Vec<TableRow> {
    table_page_in(prep, jobs, range, sort, ascending, 0, usize::MAX).1
}

/// One page of [`table_rows_in`]: the number of rows, and the rows
/// `offset..offset + limit`. Each job is sorted by a key of the sorted
/// column's cell alone, borrowed from the job, and its id rank (ties);
/// the rows of the page alone are made, with every cell and their own
/// strings. At 100k jobs a brush of 20k runs made a key of every cell for
/// each (the queued seconds a walk over its transitions; ~100 bytes a key
/// in wasm, moved by the sort) where the page shows 50: 4-7 ms a brush.
///
/// `Queued (s)` and `Run (s)` count the seconds inside `range`, as every
/// sum of SPEC §3 is clipped to the range: the table says what the charts
/// show (a group's queued seconds in the table add up to its Queued time
/// bars), and a backend whose `generated_at` runs days ahead of the
/// browser's clock cannot stretch a running job's seconds past the range.
pub fn table_page_in(
    prep: &Prepared,
    jobs: &[u32],
    range: TimeRange,
    sort: Column,
    ascending: bool,
    offset: usize,
    limit: usize,
) -> (usize, Vec<TableRow>) {
    let keys: Vec<(u32, u32, Cell<'_>)> = jobs
        .iter()
        .filter_map(|&j| {
            let rank = prep.id_rank.get(j as usize).copied().unwrap_or(0);
            Some((j, rank, Cell::of(prep, j, range, sort)?))
        })
        .collect();
    let order = crate::sort::sorted_indices(keys.len(), &|x, y| {
        let (Some((_, ra, a)), Some((_, rb, b))) = (keys.get(x as usize), keys.get(y as usize))
        else {
            return Ordering::Equal;
        };
        let primary = a.compare(b);
        let primary = if ascending {
            primary
        } else {
            primary.map(Ordering::reverse)
        };
        // An empty cell on one side: the filled one first; both: equal.
        primary
            .unwrap_or_else(|| a.empty().cmp(&b.empty()))
            .then(ra.cmp(rb))
    });
    let rows = order
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|&k| keys.get(k as usize))
        .filter_map(|&(j, _, _)| row(prep, j, range))
        .collect();
    (keys.len(), rows)
}

/// Job `j`'s row.
fn row(prep: &Prepared, j: u32, range: TimeRange) -> Option<TableRow> {
    let i = j as usize;
    let job = prep.get(i)?;
    let run = job.run_span();
    Some(TableRow {
        job: j,
        job_id: job.id.to_string(),
        run_id: job.run_id.map(str::to_string),
        run_name: job.run_name.map(str::to_string),
        launch_job: job.job.to_string(),
        project: job.project.map(str::to_string),
        user: job.user.map(str::to_string),
        state: job.current_state().clone(),
        enqueued: job.enqueued_at(),
        started: run.map(|r| r.0),
        ended: prep.ended(i),
        queued_secs: secs(super::summary::waiting_in(prep, i, range)),
        run_secs: run.map(|(s, e)| secs(range.overlap(s, e))),
    })
}

/// The cell a column sorts by, borrowed from the job.
#[derive(Clone, Copy)]
enum Cell<'a> {
    /// Always there: the job id, the launch job.
    Text(&'a str),
    /// The project, the user (empty: `None`).
    Maybe(Option<&'a str>),
    /// The run name, then the run id (empty: no run name).
    Run(Option<&'a str>, Option<&'a str>),
    /// The current state, in display order ([`state_order`]).
    State(usize, &'a str),
    /// A time (empty: `None`).
    Time(Option<Ms>),
    /// Seconds (empty: `None`; queued seconds are always there).
    Secs(Option<f64>),
}

impl<'a> Cell<'a> {
    /// Job `j`'s cell of column `col` (`None`: no such job). The job's
    /// texts are looked up only for a column of text.
    fn of(prep: &'a Prepared, j: u32, range: TimeRange, col: Column) -> Option<Cell<'a>> {
        let i = j as usize;
        if i >= prep.len() {
            return None;
        }
        let job = || prep.get(i);
        Some(match col {
            Column::JobId => Cell::Text(job()?.id),
            Column::Run => {
                let job = job()?;
                Cell::Run(job.run_name, job.run_id)
            }
            Column::Job => Cell::Text(job()?.job),
            Column::Project => Cell::Maybe(job()?.project),
            Column::User => Cell::Maybe(job()?.user),
            Column::State => {
                let (k, name) = state_order(job()?.current_state());
                Cell::State(k, name)
            }
            Column::Enqueued => Cell::Time(job()?.enqueued_at()),
            Column::Started => Cell::Time(prep.run_span(i).map(|r| r.0)),
            Column::Ended => Cell::Time(prep.ended(i)),
            Column::QueuedSecs => {
                Cell::Secs(Some(secs(super::summary::waiting_in(prep, i, range))))
            }
            Column::RunSecs => Cell::Secs(prep.run_span(i).map(|(s, e)| secs(range.overlap(s, e)))),
        })
    }

    /// The two cells (of one column) compared, `None` when either is empty.
    fn compare(&self, other: &Cell<'_>) -> Option<Ordering> {
        match (self, other) {
            (Cell::Text(a), Cell::Text(b)) => Some(a.cmp(b)),
            (Cell::Maybe(a), Cell::Maybe(b)) => Some(a.as_ref()?.cmp(b.as_ref()?)),
            (Cell::Run(a, x), Cell::Run(b, y)) => {
                Some(a.as_ref()?.cmp(b.as_ref()?).then_with(|| x.cmp(y)))
            }
            (Cell::State(a, x), Cell::State(b, y)) => Some((a, x).cmp(&(b, y))),
            (Cell::Time(a), Cell::Time(b)) => Some(a.as_ref()?.cmp(b.as_ref()?)),
            (Cell::Secs(a), Cell::Secs(b)) => a.as_ref()?.partial_cmp(b.as_ref()?),
            _ => None,
        }
    }

    /// An empty cell (sorted last in either direction).
    fn empty(&self) -> bool {
        matches!(
            self,
            Cell::Maybe(None) | Cell::Run(None, _) | Cell::Time(None) | Cell::Secs(None)
        )
    }
}

/// Display order of states: known ones as in [`JobState::KNOWN`], unknown after, by name.
fn state_order(s: &JobState) -> (usize, &str) {
    let known = JobState::KNOWN.iter().position(|k| k == s);
    (known.unwrap_or(JobState::KNOWN.len()), s.as_str())
}

/// The rows as CSV (RFC 4180: CRLF line ends, fields with a comma, quote
/// or line break quoted, quotes doubled). Times are RFC 3339 UTC, seconds
/// plain decimals, empty cells empty.
///
/// Text cells are the backend's strings, and a spreadsheet runs a cell
/// that starts with `=`, `+`, `-`, `@`, a tab or a CR as a formula (a job
/// named `=HYPERLINK(...)` would become a live link). As OWASP recommends
/// against CSV injection, such a text cell gets a `'` in front, which the
/// spreadsheet hides and which keeps the text as text. The two numeric
/// columns are numbers this function formats itself, so a negative number
/// there stays a number.
pub fn rows_to_csv(rows: &[TableRow]) -> String {
    let mut out = String::from(
        "job_id,run_id,run_name,job,project,user,state,enqueued,started,ended,queued_secs,run_secs\r\n",
    );
    let time = |t: Option<Ms>| t.map(format_rfc3339).unwrap_or_default();
    for r in rows {
        let text = [
            r.job_id.clone(),
            r.run_id.clone().unwrap_or_default(),
            r.run_name.clone().unwrap_or_default(),
            r.launch_job.clone(),
            r.project.clone().unwrap_or_default(),
            r.user.clone().unwrap_or_default(),
            r.state.as_str().to_string(),
            time(r.enqueued),
            time(r.started),
            time(r.ended),
        ];
        let numbers = [
            r.queued_secs.to_string(),
            r.run_secs.map(|s| s.to_string()).unwrap_or_default(),
        ];
        for (i, c) in text.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_field(&mut out, c, true);
        }
        for c in &numbers {
            out.push(',');
            push_csv_field(&mut out, c, false);
        }
        out.push_str("\r\n");
    }
    out
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One field: `'`-prefixed if it is text that would start a formula, then
/// quoted if RFC 4180 asks for it.
pub(crate) fn push_csv_field(out: &mut String, s: &str, text: bool) {
    let guard = if text && s.starts_with(FORMULA_START) {
        "'"
    } else {
        ""
    };
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(guard);
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(guard);
        out.push_str(s);
    }
}

/// One error in the errors panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// Job index into [`Prepared`].
    pub job: u32,
    /// When it was reported.
    pub at: Ms,
    /// Launch job name.
    pub launch_job: String,
    /// Run id.
    pub run_id: Option<String>,
    /// User.
    pub user: Option<String>,
    /// The message (plain text; the app must not render it as HTML).
    pub message: String,
    /// Queue item id (`data-job-id`).
    pub job_id: String,
}

/// Every error of the selected jobs reported inside the range, newest first;
/// ties by job id, then in the order the job listed them. Building a row
/// copies five strings; for a paginated table [`errors_page`] builds only
/// the rows shown.
pub fn errors(prep: &Prepared, sel: &Selection, range: TimeRange) -> Vec<ErrorRow> {
    errors_page(prep, sel, range, 0, usize::MAX).1
}

/// One page of [`errors`]: the total number of errors in the view, and the
/// rows `offset..offset + limit`. Finding them is O(errors in the range)
/// (the order is sorted once in [`Prepared`]); only the page is copied.
pub fn errors_page(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
    offset: usize,
    limit: usize,
) -> (usize, Vec<ErrorRow>) {
    let pos = prep.positions(sel);
    // `error_order` is newest first: the range is one contiguous window.
    let lo = prep.error_order.partition_point(|e| e.0 >= range.to);
    let hi = prep.error_order.partition_point(|e| e.0 >= range.from);
    let hits: Vec<(Ms, u32, u32)> = prep
        .error_order
        .get(lo..hi.max(lo))
        .unwrap_or(&[])
        .iter()
        .filter(|&&(_, j, _)| pos.get(j as usize).is_some_and(|&k| k != u32::MAX))
        .copied()
        .collect();
    let rows = hits
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|&(at, j, k)| {
            let job = prep.get(j as usize)?;
            let (_, message) = job.errors().nth(k as usize)?;
            Some(ErrorRow {
                job: j,
                at,
                launch_job: job.job.to_string(),
                run_id: job.run_id.map(str::to_string),
                user: job.user.map(str::to_string),
                message: message.to_string(),
                job_id: job.id.to_string(),
            })
        })
        .collect();
    (hits.len(), rows)
}
