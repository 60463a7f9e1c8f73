//! The analysis behind every number of SPEC §3, as plain functions.
//!
//! The split follows what a view change invalidates, so the app can memoise
//! each step and recompute only what depends on the control that moved:
//!
//! ```text
//! pages ──PreparedBuilder──▶ Prepared            (once per data load, page by page)
//! Prepared + Filters + range ──select──▶ Selection
//! Selection + GroupBy ──group──▶ Groups
//! Selection (+ Groups) + BucketGrid ──▶ job_status, queued_time
//! Selection + Groups + range ──run_layout──▶ RunLayout ──brush_select──▶ jobs
//! Selection (+ Groups, grid, zone, usage) ──insights::*──▶ the answers of SPEC §3.1
//! ```
//!
//! What the app draws of those numbers is decided here too: [`geometry`]
//! places bars and lines in the pixels of the axes window on screen, and
//! [`hover`] finds what is under the pointer.
//!
//! Interned ids (`u16` states and groups, `u32` jobs) keep the hot loops free
//! of string work; sums are kept in integer ms and turned into seconds last.

mod column;
pub mod downsample;
pub mod facets;
pub mod filter;
pub mod fold;
pub mod geometry;
pub mod group;
pub mod hover;
pub mod insights;
pub mod inspect;
pub mod legend;
pub mod prepared;
pub mod queued;
pub mod runs;
pub mod skew;
pub mod status;
pub mod summary;
pub mod table;
pub mod time;

pub use downsample::downsample;
pub use facets::{facets, facets_updated, Facet, Facets};
pub use filter::{select, value_test, Field, Filters, Selection};
pub use fold::fold_groups;
pub use geometry::{polylines, PixelPoint, PixelRect, RasterWindow, Stacks, MAX_RASTER_SIDE};
pub use group::{group, CustomGrouping, GroupBy, Groups, Matcher, Rule, RuleField, OTHER_NAME};
pub use hover::{bar_at, nearest_point, LineData};
pub use legend::{
    has_group_filter, keep_groups, kept_values, members, with_group_filter, GroupAction,
};
pub use prepared::SNAPSHOT_MAX_JOBS;
pub use prepared::{
    JobRef, Prepared, PreparedBuilder, Remap, StateFold, UpdateCounts, UpdateError,
    MAX_UNKNOWN_STATES, NONE_NAME, OTHER_STATES_NAME,
};
pub use queued::{queued_time, queued_time_updated, GroupedSeries};
pub use runs::{
    brush_select, latest_runs, raster_runs, regroup_runs, run_layout, run_layout_updated, Brush,
    LaneIndex, RunBar, RunLayout,
};
pub use skew::{clock_skew, ClockSkew, CLOCK_TOLERANCE};
pub use status::{job_status, job_status_updated, StatusCounts};
pub use summary::{
    summary, summary_in, summary_parts, summary_parts_updated, Summary, SummaryParts,
};
pub use table::{
    errors, errors_page, rows_to_csv, table_page_in, table_rows_in, Column, ErrorRow, TableRow,
};
pub use time::{
    auto_width, format_width, BucketGrid, LocalZone, TimeRange, Zone, AUTO_LADDER,
    AUTO_MAX_BUCKETS, MAX_BUCKETS,
};
