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
/// `offset..offset + limit`. Sorting compares borrowed cells; only the
/// page's rows copy their strings (a 20k-run brush sorts in a few ms
/// instead of copying 120k strings).
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
    let keys: Vec<Key<'_>> = jobs
        .iter()
        .filter_map(|&j| Key::new(prep, j, range))
        .collect();
    let keys = crate::sort::sort_vec(keys, &|a, b| {
        let primary = compare(a, b, sort);
        let primary = if ascending {
            primary
        } else {
            primary.map(Ordering::reverse)
        };
        primary
            .unwrap_or_else(|| none_last(a, b, sort))
            .then(a.rank.cmp(&b.rank))
    });
    let rows = keys
        .iter()
        .skip(offset)
        .take(limit)
        .map(Key::to_row)
        .collect();
    (keys.len(), rows)
}

/// The cells of one row, borrowed from the job: what sorting compares.
struct Key<'a> {
    job: u32,
    /// Rank of the job id (ties).
    rank: u32,
    job_id: &'a str,
    run_id: Option<&'a str>,
    run_name: Option<&'a str>,
    launch_job: &'a str,
    project: Option<&'a str>,
    user: Option<&'a str>,
    state: &'a JobState,
    enqueued: Option<Ms>,
    started: Option<Ms>,
    ended: Option<Ms>,
    queued_secs: f64,
    run_secs: Option<f64>,
}

impl<'a> Key<'a> {
    fn new(prep: &'a Prepared, j: u32, range: TimeRange) -> Option<Key<'a>> {
        let i = j as usize;
        let job = prep.get(i)?;
        let run = job.run_span();
        Some(Key {
            job: j,
            rank: prep.id_rank.get(i).copied().unwrap_or(0),
            job_id: job.id,
            run_id: job.run_id,
            run_name: job.run_name,
            launch_job: job.job,
            project: job.project,
            user: job.user,
            state: job.current_state(),
            enqueued: job.enqueued_at(),
            started: run.map(|r| r.0),
            ended: prep.ended(i),
            queued_secs: secs(super::summary::waiting_in(prep, i, range)),
            run_secs: run.map(|(s, e)| secs(range.overlap(s, e))),
        })
    }

    fn to_row(&self) -> TableRow {
        TableRow {
            job: self.job,
            job_id: self.job_id.to_string(),
            run_id: self.run_id.map(str::to_string),
            run_name: self.run_name.map(str::to_string),
            launch_job: self.launch_job.to_string(),
            project: self.project.map(str::to_string),
            user: self.user.map(str::to_string),
            state: self.state.clone(),
            enqueued: self.enqueued,
            started: self.started,
            ended: self.ended,
            queued_secs: self.queued_secs,
            run_secs: self.run_secs,
        }
    }
}

/// The cell compared for a column, `None` when either side is empty.
fn compare(a: &Key<'_>, b: &Key<'_>, c: Column) -> Option<Ordering> {
    fn opt<T: PartialOrd>(x: &Option<T>, y: &Option<T>) -> Option<Ordering> {
        x.as_ref()?.partial_cmp(y.as_ref()?)
    }
    match c {
        Column::JobId => Some(a.job_id.cmp(b.job_id)),
        Column::Run => {
            opt(&a.run_name, &b.run_name).map(|o| o.then_with(|| a.run_id.cmp(&b.run_id)))
        }
        Column::Job => Some(a.launch_job.cmp(b.launch_job)),
        Column::Project => opt(&a.project, &b.project),
        Column::User => opt(&a.user, &b.user),
        Column::State => Some(state_order(a.state).cmp(&state_order(b.state))),
        Column::Enqueued => opt(&a.enqueued, &b.enqueued),
        Column::Started => opt(&a.started, &b.started),
        Column::Ended => opt(&a.ended, &b.ended),
        Column::QueuedSecs => a.queued_secs.partial_cmp(&b.queued_secs),
        Column::RunSecs => opt(&a.run_secs, &b.run_secs),
    }
}

/// With an empty cell on one side: the filled one first; both empty: equal.
fn none_last(a: &Key<'_>, b: &Key<'_>, c: Column) -> Ordering {
    let empty = |r: &Key<'_>| match c {
        Column::Run => r.run_name.is_none(),
        Column::Project => r.project.is_none(),
        Column::User => r.user.is_none(),
        Column::Enqueued => r.enqueued.is_none(),
        Column::Started => r.started.is_none(),
        Column::Ended => r.ended.is_none(),
        Column::RunSecs => r.run_secs.is_none(),
        _ => false,
    };
    empty(a).cmp(&empty(b))
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
