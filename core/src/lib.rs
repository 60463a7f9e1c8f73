//! Queuescope's pure core: the REST contract (SPEC §2), the job model and
//! the analysis behind every number the dashboard shows (SPEC §3), plus the
//! seeded demo-data generator.
//!
//! Nothing in this crate knows about a browser: no leptos, web-sys, plotly or
//! gloo. Every function is plain Rust over slices of jobs, so it is tested
//! natively and benchmarked with criterion. Times are [`Ms`]: milliseconds
//! since the Unix epoch, UTC.

#![warn(missing_docs)]

/// `impl PartialEq<&str>` and `PartialEq<String>` for a type by its
/// English `Display` form: tests compare typed notices with the sentences
/// users read.
macro_rules! eq_by_display {
    ($t:ty) => {
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                let shown = self.to_string();
                shown == *other
            }
        }
        impl PartialEq<String> for $t {
            fn eq(&self, other: &String) -> bool {
                let shown = self.to_string();
                shown == *other
            }
        }
    };
}

pub mod analysis;
pub mod cache;
pub mod contract;
pub mod demo;
pub mod field;
pub mod limits;
pub mod model;
pub mod parse;
pub mod prefs;
pub mod slots;
pub mod sort;
pub mod template;
pub mod text;
pub mod theme;
pub mod time;
pub mod view;

pub use model::{Dataset, Job, JobError, JobState, Ms, StateSpan, Transition};
pub use parse::{parse_jobs_page, parse_metrics, parse_queues, ParseError, SkipReport};
