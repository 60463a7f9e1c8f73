//! What an adapter saw of a job in one poll, and how that becomes recorded
//! transitions (pure functions, no I/O).
//!
//! Schedulers keep little history: Slurm has a submit, eligible, start and
//! end time per job, Ray only a submission and an end time, W&B a creation
//! time per queue item. An adapter turns a job into a [`Step`] list, the
//! states the source says the job went through, oldest first, the last
//! being its current state, each with the source's own time where it has
//! one. [`new_transitions`] compares that with what is already recorded and
//! returns only what is new, so polling the same answer twice (or after a
//! restart) records nothing twice.

use queuescope_core::Ms;
use std::collections::BTreeMap;

/// One state a job went through, as a source tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// SPEC §2 state string (`queued`, `running`, ..., or one the contract
    /// does not know, such as `held`).
    pub state: String,
    /// When, by the source's clock; `None` when the source keeps no time
    /// for it (then the poll that first sees it dates it).
    pub at: Option<Ms>,
}

impl Step {
    /// A step with the source's time.
    pub fn at(state: &str, at: Ms) -> Step {
        Step {
            state: state.to_string(),
            at: Some(at),
        }
    }

    /// A step the source keeps no time for.
    pub fn seen(state: &str) -> Step {
        Step {
            state: state.to_string(),
            at: None,
        }
    }
}

/// The descriptive fields of a job (SPEC §2), as the source has them now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobFields {
    /// Launch job name (required by the contract).
    pub job: String,
    /// Run id, once there is a run.
    pub run_id: Option<String>,
    /// Human-friendly run name.
    pub run_name: Option<String>,
    /// Project.
    pub project: Option<String>,
    /// Entity.
    pub entity: Option<String>,
    /// User.
    pub user: Option<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
}

/// A job as one poll saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The queue it belongs to now.
    pub queue_id: String,
    /// Its id in the source (unique per source); served as the job `id`.
    pub native_id: String,
    /// Names, user, labels.
    pub fields: JobFields,
    /// What the source says it went through, oldest first; never empty.
    pub timeline: Vec<Step>,
    /// Errors the source reports for it: (time, message).
    pub errors: Vec<(Ms, String)>,
}

/// A recorded transition: (state, time).
pub type Recorded = (String, Ms);

/// The transitions to append to `recorded` for a job whose source now says
/// `timeline`, at poll time `now`. Append-only and idempotent:
///
/// - a step with a source time is new when it is later than the last
///   recorded transition, or at the same time with a state not recorded at
///   that time (Slurm dates submit and start to the second, often equal);
/// - a step without a time is recorded only when it is the job's current
///   state and differs from the last recorded one, dated `now`;
/// - the current state is always the last recorded state afterwards. When
///   the source dates it before the last recorded transition (a requeued
///   job keeps its old submit time), it is dated `now`;
/// - no time is ever after `now` (a source clock ahead of ours is clamped),
///   and times never go backwards;
/// - a step into the state the job is already in is not a transition.
pub fn new_transitions(recorded: &[Recorded], timeline: &[Step], now: Ms) -> Vec<Recorded> {
    let mut all: Vec<Recorded> = recorded.to_vec();
    let start = all.len();
    for step in timeline {
        let Some(at) = step.at.map(|t| t.min(now)) else {
            continue;
        };
        let fresh = match all.last() {
            None => true,
            // A job does not enter the state it is in (a time the source
            // moved, or one clamped to `now` earlier, is not a new step).
            Some((last_state, _)) if *last_state == step.state => false,
            Some((_, last)) if at > *last => true,
            Some((_, last)) if at == *last => !all
                .iter()
                .rev()
                .take_while(|(_, t)| *t == at)
                .any(|(s, _)| *s == step.state),
            Some(_) => false,
        };
        if fresh {
            all.push((step.state.clone(), at));
        }
    }
    if let Some(current) = timeline.last() {
        let last = all.last().cloned();
        if last.as_ref().map(|(s, _)| s) != Some(&current.state) {
            let floor = last.map(|(_, t)| t).unwrap_or(Ms::MIN);
            let at = match current.at.map(|t| t.min(now)) {
                Some(t) if t >= floor => t,
                _ => now.max(floor),
            };
            all.push((current.state.clone(), at));
        }
    }
    all.split_off(start)
}

/// True for the terminal states of SPEC §2.
pub fn is_terminal(state: &str) -> bool {
    queuescope_core::JobState::parse(state).is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(list: &[(&str, Ms)]) -> Vec<Recorded> {
        list.iter().map(|(s, t)| (s.to_string(), *t)).collect()
    }

    /// Applies `timeline` and returns the whole recorded list.
    fn apply(recorded: &[Recorded], timeline: &[Step], now: Ms) -> Vec<Recorded> {
        let mut all = recorded.to_vec();
        all.extend(new_transitions(recorded, timeline, now));
        all
    }

    #[test]
    fn first_sight_records_the_sources_history() {
        let tl = [Step::at("queued", 100), Step::at("running", 150)];
        assert_eq!(
            new_transitions(&[], &tl, 200),
            rec(&[("queued", 100), ("running", 150)])
        );
    }

    #[test]
    fn the_same_answer_twice_records_nothing_twice() {
        let tl = [
            Step::at("queued", 100),
            Step::at("running", 100),
            Step::at("finished", 160),
        ];
        let once = apply(&[], &tl, 200);
        assert_eq!(
            once,
            rec(&[("queued", 100), ("running", 100), ("finished", 160)])
        );
        assert!(new_transitions(&once, &tl, 300).is_empty());
    }

    #[test]
    fn steps_without_a_source_time_are_dated_by_the_poll_that_sees_them() {
        // Ray: submitted at 100, seen running at the poll of 130, ended at 170.
        let s1 = apply(&[], &[Step::at("queued", 100)], 110);
        let s2 = apply(&s1, &[Step::at("queued", 100), Step::seen("running")], 130);
        assert_eq!(s2, rec(&[("queued", 100), ("running", 130)]));
        let done = [
            Step::at("queued", 100),
            Step::seen("running"),
            Step::at("finished", 170),
        ];
        let s3 = apply(&s2, &done, 180);
        assert_eq!(
            s3,
            rec(&[("queued", 100), ("running", 130), ("finished", 170)])
        );
        assert!(new_transitions(&s3, &done, 400).is_empty());
    }

    #[test]
    fn a_run_between_two_polls_without_a_source_time_is_not_invented() {
        let s1 = apply(&[], &[Step::at("queued", 100)], 110);
        let done = [
            Step::at("queued", 100),
            Step::seen("running"),
            Step::at("finished", 170),
        ];
        assert_eq!(
            apply(&s1, &done, 180),
            rec(&[("queued", 100), ("finished", 170)])
        );
    }

    #[test]
    fn a_requeued_job_goes_back_to_queued_at_the_poll_and_runs_again() {
        let s1 = rec(&[("queued", 100), ("running", 200)]);
        // Requeued: Slurm shows it pending with its old submit time.
        let s2 = apply(&s1, &[Step::at("queued", 100)], 300);
        assert_eq!(s2.last(), Some(&("queued".to_string(), 300)));
        let s3 = apply(
            &s2,
            &[Step::at("queued", 100), Step::at("running", 350)],
            400,
        );
        assert_eq!(s3.last(), Some(&("running".to_string(), 350)));
        assert_eq!(s3.len(), 4);
    }

    #[test]
    fn source_times_ahead_of_the_bridge_are_clamped_and_never_go_backwards() {
        let s = apply(
            &[],
            &[Step::at("queued", 100), Step::at("running", 900)],
            500,
        );
        assert_eq!(s, rec(&[("queued", 100), ("running", 500)]));
        // An end the source dates before our observation of the run.
        let s2 = apply(
            &rec(&[("queued", 100), ("running", 130)]),
            &[Step::at("queued", 100), Step::at("finished", 120)],
            140,
        );
        assert_eq!(s2.last(), Some(&("finished".to_string(), 140)));
        assert!(s2.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn a_time_clamped_to_now_is_not_recorded_again_later() {
        let tl = [Step::at("queued", 100), Step::at("failed", 900)];
        let s1 = apply(&[], &tl, 500);
        assert_eq!(s1, rec(&[("queued", 100), ("failed", 500)]));
        assert!(new_transitions(&s1, &tl, 1_000).is_empty());
    }

    #[test]
    fn terminal_states_are_the_contracts() {
        assert!(is_terminal("killed") && is_terminal("finished"));
        assert!(!is_terminal("held") && !is_terminal("running"));
    }
}
