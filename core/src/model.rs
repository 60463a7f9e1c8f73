//! The checked job model and the state intervals of SPEC §3.
//!
//! A [`Job`] is built only by [`crate::parse`] (or the demo generator), so
//! every job here satisfies the contract: a non-empty, time-ordered list of
//! transitions with valid times.

use std::collections::BTreeMap;
use std::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Ms = i64;

/// One second in [`Ms`].
pub const SECOND: Ms = 1_000;
/// One minute in [`Ms`].
pub const MINUTE: Ms = 60 * SECOND;
/// One hour in [`Ms`].
pub const HOUR: Ms = 60 * MINUTE;
/// One day in [`Ms`].
pub const DAY: Ms = 24 * HOUR;

/// A job state (SPEC §2). Unknown strings are kept as [`JobState::Other`]:
/// shown as themselves, in a neutral colour, and counted as non-terminal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobState {
    /// In a queue that has no active agent.
    Idle,
    /// Waiting in the queue for an agent.
    Queued,
    /// Taken by an agent, waiting for resources.
    Pending,
    /// Starting up.
    Starting,
    /// Running.
    Running,
    /// Terminal: ended well.
    Finished,
    /// Terminal: the job reported failure.
    Failed,
    /// Terminal: the process died.
    Crashed,
    /// Terminal: stopped by a person or the system.
    Killed,
    /// A state this client does not know.
    Other(String),
}

impl JobState {
    /// The states this client knows, in display order (chart stacking and legend).
    pub const KNOWN: [JobState; 9] = [
        JobState::Idle,
        JobState::Queued,
        JobState::Pending,
        JobState::Starting,
        JobState::Running,
        JobState::Finished,
        JobState::Failed,
        JobState::Crashed,
        JobState::Killed,
    ];

    /// Parses the wire string; never fails (unknown strings become `Other`).
    pub fn parse(s: &str) -> JobState {
        match s {
            "idle" => JobState::Idle,
            "queued" => JobState::Queued,
            "pending" => JobState::Pending,
            "starting" => JobState::Starting,
            "running" => JobState::Running,
            "finished" => JobState::Finished,
            "failed" => JobState::Failed,
            "crashed" => JobState::Crashed,
            "killed" => JobState::Killed,
            other => JobState::Other(other.to_string()),
        }
    }

    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Idle => "idle",
            JobState::Queued => "queued",
            JobState::Pending => "pending",
            JobState::Starting => "starting",
            JobState::Running => "running",
            JobState::Finished => "finished",
            JobState::Failed => "failed",
            JobState::Crashed => "crashed",
            JobState::Killed => "killed",
            JobState::Other(s) => s,
        }
    }

    /// The display label, used as the Plotly trace name (`Queued`, `Running`, ...).
    /// Unknown states show as themselves.
    pub fn label(&self) -> String {
        match self {
            JobState::Other(s) => s.clone(),
            known => {
                // Known states are ASCII: `char::to_uppercase` would bring
                // the Unicode case tables into the wasm for them (~12 kB).
                let mut s = known.as_str().to_string();
                if let Some(first) = s.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                s
            }
        }
    }

    /// Terminal states are instants: the job ends there.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobState::Finished | JobState::Failed | JobState::Crashed | JobState::Killed
        )
    }

    /// Waiting states: their seconds count as queued time (SPEC §3).
    pub fn is_waiting(&self) -> bool {
        matches!(self, JobState::Idle | JobState::Queued)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state change at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The state entered.
    pub state: JobState,
    /// When.
    pub at: Ms,
}

/// An error a job reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// When.
    pub at: Ms,
    /// The message (plain text).
    pub message: String,
}

/// A checked job (queue item).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Job {
    /// Unique within the queue.
    pub id: String,
    /// Launch job name.
    pub job: String,
    /// Run id.
    pub run_id: Option<String>,
    /// Run name.
    pub run_name: Option<String>,
    /// Project.
    pub project: Option<String>,
    /// Entity.
    pub entity: Option<String>,
    /// User.
    pub user: Option<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Non-empty, ordered by time (ties keep their order).
    pub transitions: Vec<Transition>,
    /// Errors, as sent.
    pub errors: Vec<JobError>,
}

/// A stretch of time a job spent in one non-terminal state: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSpan<'a> {
    /// The state.
    pub state: &'a JobState,
    /// Entered at.
    pub start: Ms,
    /// Left at (the next transition, or `generated_at`). Never before `start`.
    pub end: Ms,
}

impl Job {
    /// The non-terminal state spans of SPEC §3: a job is in state s from the
    /// transition into s until the next transition; its last non-terminal
    /// state lasts until `generated_at`. Terminal states are instants and
    /// yield no span (see [`Job::terminal_events`]). Zero-length spans are
    /// kept: callers that need positive overlap check it themselves.
    pub fn state_spans(&self, generated_at: Ms) -> impl Iterator<Item = StateSpan<'_>> + '_ {
        let n = self.transitions.len();
        self.transitions
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.state.is_terminal())
            .map(move |(i, t)| {
                let end = if i + 1 < n {
                    self.transitions[i + 1].at
                } else {
                    generated_at
                };
                StateSpan {
                    state: &t.state,
                    start: t.at,
                    end: end.max(t.at),
                }
            })
    }

    /// Transitions into terminal states (normally one, the last).
    pub fn terminal_events(&self) -> impl Iterator<Item = &Transition> + '_ {
        self.transitions.iter().filter(|t| t.state.is_terminal())
    }

    /// The state the job is in now (its last transition).
    pub fn current_state(&self) -> &JobState {
        // Invariant of `Job`: transitions are non-empty (checked by parse).
        match self.transitions.last() {
            Some(t) => &t.state,
            None => &JobState::Idle,
        }
    }

    /// When the job entered the queue: its first transition.
    pub fn enqueued_at(&self) -> Option<Ms> {
        self.transitions.first().map(|t| t.at)
    }

    /// The run span of SPEC §3: from the first transition into `running` to
    /// the terminal transition (or `generated_at`). `None` if it never ran.
    pub fn run_span(&self, generated_at: Ms) -> Option<(Ms, Ms)> {
        let first = self
            .transitions
            .iter()
            .position(|t| t.state == JobState::Running)?;
        let start = self.transitions[first].at;
        let end = self.transitions[first..]
            .iter()
            .find(|t| t.state.is_terminal())
            .map(|t| t.at)
            .unwrap_or(generated_at);
        Some((start, end.max(start)))
    }

    /// The time the job was alive: first transition to its terminal one (or `generated_at`).
    pub fn lifetime(&self, generated_at: Ms) -> (Ms, Ms) {
        let start = self.enqueued_at().unwrap_or(generated_at);
        let end = match self.transitions.last() {
            Some(t) if t.state.is_terminal() => t.at,
            _ => generated_at,
        };
        (start, end.max(start))
    }

    /// Total seconds spent waiting (idle + queued), in [`Ms`], unclipped.
    pub fn waiting_ms(&self, generated_at: Ms) -> Ms {
        self.state_spans(generated_at)
            .filter(|s| s.state.is_waiting())
            .map(|s| s.end - s.start)
            .sum()
    }

    /// The value of a label, if set.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }
}

/// All jobs of one queue as loaded, with what was skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// The queue these jobs belong to.
    pub queue_id: String,
    /// "Now" for unfinished jobs (the latest `generated_at` seen).
    pub generated_at: Ms,
    /// Checked jobs, unique by id, in arrival order.
    pub jobs: Vec<Job>,
    /// Records that broke the contract and were left out.
    pub skipped: crate::parse::SkipReport,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(ts: &[(&str, Ms)]) -> Job {
        Job {
            id: "j".into(),
            job: "train".into(),
            transitions: ts
                .iter()
                .map(|(s, at)| Transition {
                    state: JobState::parse(s),
                    at: *at,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn spans(j: &Job, now: Ms) -> Vec<(String, Ms, Ms)> {
        j.state_spans(now)
            .map(|s| (s.state.to_string(), s.start, s.end))
            .collect()
    }

    #[test]
    fn spans_until_next_transition_and_terminal_is_instant() {
        let j = job(&[
            ("queued", 0),
            ("pending", 10),
            ("running", 15),
            ("finished", 100),
        ]);
        assert_eq!(
            spans(&j, 1000),
            vec![
                ("queued".into(), 0, 10),
                ("pending".into(), 10, 15),
                ("running".into(), 15, 100)
            ]
        );
        assert_eq!(j.run_span(1000), Some((15, 100)));
        assert_eq!(j.lifetime(1000), (0, 100));
        assert_eq!(j.waiting_ms(1000), 10);
        assert_eq!(j.terminal_events().count(), 1);
        assert_eq!(j.current_state(), &JobState::Finished);
    }

    #[test]
    fn last_non_terminal_state_lasts_until_generated_at() {
        let j = job(&[("queued", 0), ("running", 10)]);
        assert_eq!(
            spans(&j, 50),
            vec![("queued".into(), 0, 10), ("running".into(), 10, 50)]
        );
        assert_eq!(j.run_span(50), Some((10, 50)));
        assert_eq!(j.lifetime(50), (0, 50));
    }

    #[test]
    fn zero_length_and_requeued_jobs() {
        let j = job(&[
            ("queued", 0),
            ("pending", 0),
            ("running", 5),
            ("queued", 9),
            ("running", 20),
            ("failed", 30),
        ]);
        assert_eq!(
            spans(&j, 99),
            vec![
                ("queued".into(), 0, 0),
                ("pending".into(), 0, 5),
                ("running".into(), 5, 9),
                ("queued".into(), 9, 20),
                ("running".into(), 20, 30)
            ]
        );
        // The run spans from the first `running` to the terminal transition.
        assert_eq!(j.run_span(99), Some((5, 30)));
        assert_eq!(j.waiting_ms(99), 11);
    }

    #[test]
    fn never_ran_has_no_run_and_unknown_state_is_non_terminal() {
        let j = job(&[("queued", 0), ("preempted", 4)]);
        assert_eq!(j.run_span(10), None);
        assert_eq!(
            spans(&j, 10),
            vec![("queued".into(), 0, 4), ("preempted".into(), 4, 10)]
        );
        assert_eq!(JobState::parse("preempted").label(), "preempted");
        assert_eq!(JobState::Queued.label(), "Queued");
    }

    #[test]
    fn generated_at_before_last_transition_never_gives_negative_spans() {
        let j = job(&[("queued", 100)]);
        assert_eq!(spans(&j, 50), vec![("queued".into(), 100, 100)]);
    }
}
