//! The simulation: slots handed out first come, first served, so waits
//! grow under load and drain at night by themselves.

use super::*;

/// What happens at an event's time. Ordered so that slots freed at an
/// instant are handed out to jobs that became ready at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Event {
    /// A run segment ends: its slot frees.
    Release(usize),
    /// A job enters the waiting line.
    Ready(usize),
    /// The agent is back after an outage.
    AgentUp,
}

/// One job's timeline as the simulation writes it.
pub(super) struct Track {
    pub(super) transitions: Vec<Transition>,
    pub(super) errors: Vec<JobError>,
}

impl Track {
    /// Room for a typical timeline (idle, queued, pending, starting,
    /// running, end) without growing.
    pub(super) fn new() -> Track {
        Track {
            transitions: Vec::with_capacity(6),
            errors: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, state: JobState, at: Ms) {
        self.transitions.push(Transition { state, at });
    }

    pub(super) fn error(&mut self, at: Ms, message: &str) {
        self.errors.push(JobError {
            at,
            message: message.to_string(),
        });
    }
}

/// The simulation of one queue.
pub(super) struct Sim<'a> {
    pub(super) plans: &'a [Plan],
    pub(super) outages: &'a [(Ms, Ms)],
    pub(super) preempt_message: &'a str,
    pub(super) free: usize,
    pub(super) waiting: VecDeque<usize>,
    pub(super) events: BinaryHeap<Reverse<(Ms, Event)>>,
    pub(super) tracks: Vec<Track>,
    /// Run segments already started, per job.
    pub(super) started: Vec<usize>,
    /// When each job last entered the waiting line.
    pub(super) ready_at: Vec<Ms>,
}

impl Sim<'_> {
    pub(super) fn agent_down(&self, t: Ms) -> Option<Ms> {
        self.outages
            .iter()
            .find(|(a, b)| *a <= t && t < *b)
            .map(|(_, b)| *b)
    }

    /// Hands free slots to waiting jobs, oldest first.
    pub(super) fn grant(&mut self, t: Ms) {
        if self.agent_down(t).is_some() {
            return;
        }
        while self.free > 0 {
            let Some(i) = self.waiting.pop_front() else {
                return;
            };
            let (Some(plan), Some(track)) = (self.plans.get(i), self.tracks.get_mut(i)) else {
                continue;
            };
            let seg = self.started.get(i).copied().unwrap_or(0);
            let ready = self.ready_at.get(i).copied().unwrap_or(t);
            let message = plan.message.as_deref().unwrap_or_default();
            if let Outcome::Cancelled(patience) = plan.outcome {
                if seg == 0 && ready + patience <= t {
                    track.push(JobState::Killed, ready + patience);
                    track.error(ready + patience, message);
                    continue;
                }
            }
            let (pending, starting) = plan
                .startups()
                .get(seg)
                .copied()
                .unwrap_or((SECOND, SECOND));
            self.free -= 1;
            track.push(JobState::Pending, t);
            track.push(JobState::Starting, t + pending);
            let run_at = t + pending + starting;
            if plan.outcome == Outcome::StartFailed {
                track.push(JobState::Failed, run_at);
                track.error(run_at, message);
                self.events.push(Reverse((run_at, Event::Release(i))));
                if let Some(s) = self.started.get_mut(i) {
                    *s = plan.runs;
                }
                continue;
            }
            track.push(JobState::Running, run_at);
            let last = seg + 1 >= plan.runs;
            let full = plan.segments().get(seg).copied().unwrap_or(MINUTE);
            let end = if last {
                let ran = ((full as f64 * plan.end_frac) as Ms / SECOND * SECOND).max(SECOND);
                let end = run_at + ran;
                let state = match plan.outcome {
                    Outcome::Finished => JobState::Finished,
                    Outcome::Crashed => JobState::Crashed,
                    Outcome::Killed | Outcome::Cancelled(_) => JobState::Killed,
                    Outcome::Failed | Outcome::StartFailed => JobState::Failed,
                };
                if plan.outcome != Outcome::Finished {
                    // The traceback is logged a moment before the state changes.
                    track.error((end - 2 * SECOND).max(run_at), message);
                }
                track.push(state, end);
                end
            } else {
                run_at + full
            };
            if let Some(s) = self.started.get_mut(i) {
                *s += 1;
            }
            self.events.push(Reverse((end, Event::Release(i))));
        }
    }

    /// Runs events up to `now`; returns every job's timeline.
    pub(super) fn run(mut self, now: Ms) -> Vec<Track> {
        while let Some(Reverse((t, ev))) = self.events.pop() {
            if t > now {
                break;
            }
            match ev {
                Event::Release(i) => {
                    self.free += 1;
                    let more = match (self.plans.get(i), self.started.get(i)) {
                        (Some(p), Some(&s)) => s < p.runs,
                        _ => false,
                    };
                    if more {
                        if let Some(track) = self.tracks.get_mut(i) {
                            track.error(t, self.preempt_message);
                            track.push(JobState::Queued, t);
                        }
                        if let Some(r) = self.ready_at.get_mut(i) {
                            *r = t;
                        }
                        self.waiting.push_back(i);
                    }
                }
                Event::Ready(i) => self.waiting.push_back(i),
                Event::AgentUp => {}
            }
            self.grant(t);
        }
        // Jobs still waiting at `now` whose owner gave up earlier.
        for &i in &self.waiting {
            if let (Some(plan), Some(track), Some(&ready)) = (
                self.plans.get(i),
                self.tracks.get_mut(i),
                self.ready_at.get(i),
            ) {
                if let Outcome::Cancelled(patience) = plan.outcome {
                    if ready + patience <= now && self.started.get(i) == Some(&0) {
                        track.push(JobState::Killed, ready + patience);
                        track.error(
                            ready + patience,
                            plan.message.as_deref().unwrap_or_default(),
                        );
                    }
                }
            }
        }
        // Nothing after `now` has happened yet.
        for track in &mut self.tracks {
            track.transitions.retain(|t| t.at <= now);
            track.errors.retain(|e| e.at <= now);
        }
        self.tracks
    }
}

/// Slots of a queue: its mean concurrent demand over the window times the
/// queue's headroom, so peaks overflow (waits) and nights drain.
pub(super) fn slots(plans: &[Plan], spec: &QueueSpec, window: Ms) -> usize {
    let busy: Ms = plans
        .iter()
        .flat_map(|p| p.segments().iter().zip(p.startups()))
        .map(|(run, (pending, starting))| run + pending + starting)
        .sum();
    let mean = busy as f64 / window.max(1) as f64;
    ((mean * spec.headroom).ceil() as usize).max(1)
}

/// Simulates one queue and returns each job's timeline, in plan order.
pub(super) fn simulate(
    plans: &[Plan],
    spec: &QueueSpec,
    outages: &[(Ms, Ms)],
    start: Ms,
    now: Ms,
) -> Vec<Track> {
    let mut sim = Sim {
        plans,
        outages,
        preempt_message: spec.preempt_message,
        free: slots(plans, spec, now - start),
        waiting: VecDeque::new(),
        events: BinaryHeap::with_capacity(plans.len() * 2),
        tracks: Vec::with_capacity(plans.len()),
        started: vec![0; plans.len()],
        ready_at: Vec::with_capacity(plans.len()),
    };
    for (i, p) in plans.iter().enumerate() {
        let mut track = Track::new();
        let ready = match sim.agent_down(p.arrival) {
            Some(up) => {
                track.push(JobState::Idle, p.arrival);
                up
            }
            None => p.arrival,
        };
        track.push(JobState::Queued, ready);
        sim.tracks.push(track);
        sim.ready_at.push(ready);
        sim.events.push(Reverse((ready, Event::Ready(i))));
    }
    for &(_, up) in outages {
        sim.events.push(Reverse((up, Event::AgentUp)));
    }
    sim.run(now)
}
