//! The Slurm adapter on a recorded slurmrestd v0.0.38 answer (Slurm 22.05.8
//! on this project's machine: jobs that completed, failed, were cancelled
//! held, cancelled running, wait on a dependency, run, and wait for
//! resources) and the same jobs in the v0.0.40 / v0.0.41 shapes
//! (`fixtures/convert-slurm-v0040.py`).

use queuescope_bridge::adapters::slurm::{parse_jobs, parse_partitions};
use queuescope_bridge::observe::{Observed, Step};

const T0: i64 = 1_795_951_000; // seconds; the fixture's times are T0 + 7xx/8xx

fn at(state: &str, s: i64) -> Step {
    Step::at(state, (T0 + s) * 1000)
}

fn observe(file: &str) -> Vec<Observed> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read_to_string(&path).unwrap();
    let (jobs, skipped) = parse_jobs(&body).unwrap();
    assert!(skipped.is_empty(), "{file}: {skipped:?}");
    jobs.iter().map(|j| j.observe("q".into())).collect()
}

#[test]
fn the_recorded_v0038_answer_maps_every_job() {
    let jobs = observe("slurm-v0.0.38-jobs.json");
    let timelines: Vec<(&str, &[Step])> = jobs
        .iter()
        .map(|j| (j.native_id.as_str(), j.timeline.as_slice()))
        .collect();
    let expected: Vec<(&str, Vec<Step>)> = vec![
        (
            "1",
            vec![at("queued", 777), at("running", 777), at("finished", 779)],
        ),
        (
            "2",
            vec![at("queued", 777), at("running", 780), at("failed", 781)],
        ),
        // --hold, then scancel: never eligible, never ran.
        ("3", vec![at("held", 777), at("killed", 781)]),
        // scancel while running (SIGTERM): killed, not an error.
        (
            "4",
            vec![at("queued", 777), at("running", 782), at("killed", 851)],
        ),
        // --dependency on a job that was cancelled: held (eligible_time 0).
        ("5", vec![at("held", 852)]),
        ("6", vec![at("queued", 852), at("running", 852)]),
        // Pending on Resources: Slurm's start/end are forecasts, not used.
        ("7", vec![at("queued", 852)]),
    ];
    assert_eq!(timelines.len(), expected.len());
    for ((id, got), (want_id, want)) in timelines.iter().zip(&expected) {
        assert_eq!(id, want_id);
        assert_eq!(got, &want.as_slice(), "job {id}");
    }
    let errors: Vec<_> = jobs.iter().flat_map(|j| j.errors.clone()).collect();
    assert_eq!(
        errors,
        vec![(
            (T0 + 781) * 1000,
            "FAILED: exit code 3 (NonZeroExitCode)".to_string()
        )]
    );
    let ok = &jobs[0].fields;
    assert_eq!((ok.job.as_str(), ok.user.as_deref()), ("ok", Some("root")));
    assert_eq!(ok.labels["partition"], "cpu");
    assert_eq!(jobs[3].fields.labels["partition"], "gpu");
}

#[test]
fn the_v0040_and_v0041_shapes_read_as_the_same_jobs() {
    let old = observe("slurm-v0.0.38-jobs.json");
    for file in ["slurm-v0.0.40-jobs.json", "slurm-v0.0.41-jobs.json"] {
        let new = observe(file);
        assert_eq!(new.len(), old.len(), "{file}");
        for (a, b) in old.iter().zip(&new) {
            assert_eq!(a.timeline, b.timeline, "{file}: job {}", a.native_id);
            assert_eq!(a.errors, b.errors, "{file}: job {}", a.native_id);
            assert_eq!(a.fields.job, b.fields.job, "{file}");
            // Only the raw state label may differ (flags in arrays).
            let strip = |o: &Observed| {
                let mut l = o.fields.labels.clone();
                l.remove("slurm_state");
                l
            };
            assert_eq!(strip(a), strip(b), "{file}: job {}", a.native_id);
        }
    }
}

#[test]
fn partitions_are_read_from_the_recorded_answer() {
    let path = format!(
        "{}/tests/fixtures/slurm-v0.0.38-partitions.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read_to_string(path).unwrap();
    assert_eq!(parse_partitions(&body).unwrap(), ["cpu", "gpu"]);
}
