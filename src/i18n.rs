//! The UI's words in English and Korean: a typed catalogue.
//!
//! One [`Words`] struct, one `static` per language. A missing translation
//! is a compile error (every field of a struct literal must be given), and
//! the catalogue costs only its strings in the wasm: no runtime, no parser,
//! no plural engine (see docs/design.md, "i18n: a typed catalogue").
//!
//! The page is built in one language at a time: the dashboard's view tree is
//! rebuilt when the language changes (state, data and brush live on), so a
//! component reads [`t()`] once while it is built, as it reads a constant.
//! Texts with figures in them are `fn` fields, so each language orders the
//! sentence its own way.

pub mod notices;
pub mod plotly;
pub mod prefs;

use crate::config::ConfigError;
use crate::format::{count, counted};
use crate::load_error::LoadError;
use crate::notice::{Notice, PrefsError};
pub use notices::Records;
use queuescope_core::analysis::{ClockSkew, StateFold};
use queuescope_core::field::Field;
use queuescope_core::parse::{SkipExample, SkipReport};
use queuescope_core::view::Lang;
use std::cell::Cell;

/// Who or what failed most in a spike, and how often.
pub type Most<'a> = (&'a str, u32);

/// Every string the UI shows, in one language.
pub struct Words {
    /// The language's own name, for the picker (`English`, `한국어`).
    pub lang_name: &'static str,
    /// Label of the language picker.
    pub language: &'static str,
    /// Splash while the config loads.
    pub loading_config: &'static str,
    /// A panel's overlay while data loads.
    pub loading: &'static str,
    /// Retry button.
    pub retry: &'static str,
    /// A panel's overlay when the view holds no job.
    pub no_jobs: &'static str,
    /// The demo badge and its tooltip.
    pub demo_data: &'static str,
    /// Tooltip of the demo badge.
    pub demo_data_tip: &'static str,
    /// Panel titles (SPEC §6 panels).
    pub insights: &'static str,
    /// Job status panel.
    pub job_status: &'static str,
    /// Queued time panel.
    pub queued_time: &'static str,
    /// Job runs panel.
    pub job_runs: &'static str,
    /// Selection table panel.
    pub selected_runs: &'static str,
    /// Errors panel.
    pub errors: &'static str,
    /// External links panel.
    pub external_links: &'static str,
    /// GPU utilisation panel.
    pub gpu_util: &'static str,
    /// CPU utilisation panel.
    pub cpu_util: &'static str,
    /// GPU memory panel.
    pub gpu_mem: &'static str,
    /// System memory panel.
    pub sys_mem: &'static str,
    /// The left panel's name.
    pub view_controls: &'static str,
    /// Queue picker label.
    pub queue: &'static str,
    /// Range control label.
    pub time_range: &'static str,
    /// The custom-range button.
    pub custom: &'static str,
    /// Custom range: from.
    pub from: &'static str,
    /// Custom range: to.
    pub to: &'static str,
    /// Apply button.
    pub apply: &'static str,
    /// Custom range: from not before to.
    pub from_before_to: &'static str,
    /// Custom range: a time missing.
    pub enter_both: &'static str,
    /// Bucket label.
    pub bucket: &'static str,
    /// `auto (1h)`.
    pub auto_width: fn(&str) -> String,
    /// Time zone label.
    pub time_zone: &'static str,
    /// Local time zone.
    pub local: &'static str,
    /// Grouping label.
    pub group_by: &'static str,
    /// A label key in the grouping list: `Label: team`.
    pub label_key: fn(&str) -> String,
    /// A custom grouping in the grouping list: `Custom: teams`.
    pub custom_grouping: fn(&str) -> String,
    /// The job fields' names, in `Field::ALL` order.
    pub field_names: [&'static str; Field::COUNT],
    /// Label filter's name.
    pub label: &'static str,
    /// Search field label.
    pub search: &'static str,
    /// Search field placeholder.
    pub search_hint: &'static str,
    /// Drag across Job runs (or use Select span) to select runs; they are listed here.
    pub select_hint: &'static str,
    /// No run in the selected span.
    pub no_run_in_span: &'static str,
    /// No errors in this range.
    pub no_errors: &'static str,
    /// Download CSV
    pub download_csv: &'static str,
    /// Time
    pub time: &'static str,
    /// Message
    pub message: &'static str,
    /// Clear selection
    pub clear_selection: &'static str,
    /// Show every group
    pub show_every_group: &'static str,
    /// Groups
    pub groups: &'static str,
    /// Show all
    pub show_all: &'static str,
    /// default
    pub default_link: &'static str,
    /// Set by this deployment's config
    pub default_link_tip: &'static str,
    /// Done
    pub done: &'static str,
    /// Manage links
    pub manage_links: &'static str,
    /// No links yet. Use “Manage links” to add your Grafana, Datadog or cloud console.
    pub no_links: &'static str,
    /// Link label
    pub link_label: &'static str,
    /// Label, e.g. Grafana
    pub link_label_hint: &'static str,
    /// Link address (URL)
    pub link_url: &'static str,
    /// Under the links editor: the placeholders a URL may hold (their list
    /// is core's `LINK_PLACEHOLDERS`).
    pub link_placeholders: &'static str,
    /// Save
    pub save: &'static str,
    /// Add
    pub add: &'static str,
    /// Cancel
    pub cancel: &'static str,
    /// Move up
    pub move_up: &'static str,
    /// Move down
    pub move_down: &'static str,
    /// Edit
    pub edit: &'static str,
    /// Remove
    pub remove: &'static str,
    /// Saved views
    pub saved_views: &'static str,
    /// Name this view
    pub view_name: &'static str,
    /// Save view
    pub save_view: &'static str,
    /// Export…
    pub export: &'static str,
    /// Import…
    pub import_more: &'static str,
    /// Apply this view
    pub apply_view: &'static str,
    /// Rename
    pub rename: &'static str,
    /// Delete
    pub delete: &'static str,
    /// New name
    pub new_name: &'static str,
    /// OK
    pub ok: &'static str,
    /// Imported.
    pub imported: &'static str,
    /// Paste an exported JSON file here
    pub import_paste: &'static str,
    /// Exported JSON file
    pub import_file: &'static str,
    /// Import
    pub import: &'static str,
    /// Custom groupings
    pub custom_groupings: &'static str,
    /// Grouping name
    pub grouping_name: &'static str,
    /// Grouping name, e.g. teams
    pub grouping_name_hint: &'static str,
    /// Add rule
    pub add_rule: &'static str,
    /// Save grouping
    pub save_grouping: &'static str,
    /// The cache was already empty.
    pub cache_empty: &'static str,
    /// Forget the data kept in this browser for an instant reopen; the next load reads the backend
    pub clear_cache_tip: &'static str,
    /// Clear cache
    pub clear_cache: &'static str,
    /// The cached-read badge: `(from, age, updating)`.
    pub cached_from: fn(&str, &str, bool) -> String,
    /// Could not load the queue data.
    pub load_failed: &'static str,
    /// Could not load the queue list (the data shown is current).
    pub queues_failed: &'static str,
    /// Details
    pub details: &'static str,
    /// Idle windows
    pub idle_windows: &'static str,
    /// Who waits most
    pub who_waits: &'static str,
    /// Failure spikes
    pub failure_spikes: &'static str,
    /// Under-used GPUs
    pub under_used_gpus: &'static str,
    /// Waiting by hour of week
    pub waiting_by_hour: &'static str,
    /// Peak hours
    pub peak_hours: &'static str,
    /// Point at an hour for its exact mean
    pub point_at_hour: &'static str,
    /// Table columns of the selection table, in its order.
    pub columns: [&'static str; 11],
    /// Remove-rule button of rule N.
    pub remove_rule: fn(usize) -> String,
    /// Text: local time.
    pub local_time: &'static str,
    /// Text: buckets note.
    pub buckets_note: fn(&str, &str, &str) -> String,
    /// Text: jobs per bucket.
    pub jobs_per_bucket: &'static str,
    /// Text: seconds waiting.
    pub seconds_waiting: &'static str,
    /// Text: runs brushed.
    pub runs_brushed: fn(&str, u32, &str) -> String,
    /// Text: runs note.
    pub runs_note: fn(&str, u32) -> String,
    /// Text: usage some selected.
    pub usage_some_selected: fn(&str, &str) -> String,
    /// Text: usage selected.
    pub usage_selected: fn(&str) -> String,
    /// Text: usage recent.
    pub usage_recent: fn(&str) -> String,
    /// The usage caption with no run in view, and with none selected.
    pub usage_none_in_view: &'static str,
    pub usage_none_selected: &'static str,
    /// Text: no runs in view.
    pub no_runs_in_view: &'static str,
    /// Text: runs selected.
    pub runs_selected: fn(&str) -> String,
    /// Text: errors note.
    pub errors_note: fn(&str) -> String,
    /// Text: other monitors.
    pub other_monitors: fn(&str) -> String,
    /// Text: hide group.
    pub hide_group: fn(&str) -> String,
    /// Text: show only.
    pub show_only: fn(&str) -> String,
    /// Select span…
    pub select_span: &'static str,
    /// Select runs
    pub select_span_apply: &'static str,
    /// Lanes from (optional)
    pub lane_from: &'static str,
    /// Lanes to (optional)
    pub lane_to: &'static str,
    /// Give both lanes as numbers, or neither.
    pub span_lanes_error: &'static str,
    /// Text: rule_field.
    pub rule_field: fn(usize) -> String,
    /// Text: rule_match.
    pub rule_match: fn(usize) -> String,
    /// Text: rule_group.
    pub rule_group: fn(usize) -> String,
    /// Text: rule_match_hint.
    pub rule_match_hint: &'static str,
    /// Text: rule_group_hint.
    pub rule_group_hint: &'static str,
    /// Text: columns_menu.
    pub columns_menu: &'static str,
    /// Text: chart_summary.
    pub chart_summary: fn(usize, usize, &str, &str) -> String,
    /// Text: chart_empty.
    pub chart_empty: &'static str,
    /// Text: kept data.
    pub kept_data: &'static str,
    /// Text: refresh paused.
    pub refresh_paused: &'static str,
    /// The refresh line (issue #12 item 3): `Updated {d} ago`.
    pub updated_ago: fn(&str) -> String,
    /// The refresh line while a read is in flight.
    pub updating: &'static str,
    /// The refresh line while the user paused the refresh.
    pub paused_by_user: &'static str,
    /// The refresh line while 401/403 or a cancelled read waits for Retry.
    pub paused_until_retry: &'static str,
    /// The refresh line while the page is hidden.
    pub paused_while_hidden: &'static str,
    /// The refresh line: `next in {d}`.
    pub next_in: fn(&str) -> String,
    /// The refresh line after failures: `retrying in {d}`.
    pub retrying_in: fn(&str) -> String,
    /// The load error after failures: ` Retrying in {d}.`
    pub retrying_sentence: fn(&str) -> String,
    /// The refresh toggle.
    pub pause: &'static str,
    /// The refresh toggle while paused.
    pub resume: &'static str,
    /// Progress of a read: `Reading {queue}… `.
    pub reading: fn(&str) -> String,
    /// Progress of a read: `{pages} pages, {jobs} jobs so far`.
    pub read_so_far: fn(&str, &str) -> String,
    /// Beside the progress while the charts show a read's first pages.
    pub partial_shown: &'static str,
    /// A read the user cancelled.
    pub load_cancelled: &'static str,
    /// Retry while the refresh will retry by itself later.
    pub retry_now: &'static str,
    /// Text: dismiss.
    pub dismiss: &'static str,
    /// Text: no wait.
    pub no_wait: &'static str,
    /// Text: waiting by.
    pub waiting_by: fn(&str) -> String,
    /// Text: hour map note.
    pub hour_map_note: &'static str,
    /// Text: usage failed.
    pub usage_failed: &'static str,
    /// Insights: jobs n.
    pub jobs_n: fn(&str) -> String,
    /// Insights: idle item.
    pub idle_item: fn(&str, &str) -> String,
    /// Insights: no idle.
    pub no_idle: fn(i64) -> String,
    /// Insights: idle summary.
    pub idle_summary: fn(&str, usize, i64, Option<usize>) -> String,
    /// Insights: peak item.
    pub peak_item: fn(&str, &str) -> String,
    /// Insights: who item.
    pub who_item: fn(&str, &str, usize, Option<&str>) -> String,
    /// Insights: spike item.
    pub spike_item: fn(u32, &str, Most<'_>, Most<'_>) -> String,
    /// Insights: spike summary.
    /// (bucket, threshold, median, whether the floor of 3 set the
    /// threshold, spikes).
    pub spike_summary: fn(&str, u32, &str, bool, usize) -> String,
    /// Insights: under used item.
    pub under_used_item: fn((&str, &str, &str), &str, &str, f64) -> String,
    /// Insights: under used summary.
    pub under_used_summary: fn((f64, i64), &str, &str, usize) -> String,
    /// The under-used GPUs' line with no run in view.
    pub under_used_no_runs: &'static str,
    /// Insights: heat label.
    pub heat_label: fn(&str, &str, &str, &str) -> String,
    /// Insights: heat outside.
    pub heat_outside: fn(&str) -> String,
    /// Text: filters.
    pub filters: &'static str,
    /// Text: clear filters.
    pub clear_filters: &'static str,
    /// Text: any.
    pub any: &'static str,
    /// Text: n selected.
    pub n_selected: fn(usize) -> String,
    /// Text: find.
    pub find: &'static str,
    /// Text: find in.
    pub find_in: fn(&str) -> String,
    /// Text: insights note.
    pub insights_note: fn(&str) -> String,
    /// Text: load rest.
    pub load_rest: fn(usize) -> String,
    /// Text: usage progress.
    pub usage_progress: fn(&str, &str, &str) -> String,
    /// Header figure labels, in the header's order.
    pub figures: [&'static str; 7],
    /// Pager: `1–50 of 312` from the formatted first, last and total.
    pub rows_of: fn(&str, &str, &str) -> String,
    /// An error message unfolded: its summary line, above the whole text.
    pub whole_message: &'static str,
    /// Pager: `page 2 of 7`.
    pub page_of: fn(usize, usize) -> String,
    /// Pager with nothing in it.
    pub no_rows: &'static str,
    /// Pager buttons.
    pub prev_page: &'static str,
    /// Pager buttons.
    pub next_page: &'static str,
    /// The theme picker's label.
    pub theme: &'static str,
    /// The theme picker's tooltip.
    pub theme_hint: &'static str,
    /// The theme settings, in `Theme::ALL` order (auto, light, dark).
    pub theme_names: [&'static str; 3],
    /// A chart panel's Inspect button.
    pub inspect: &'static str,
    /// Its tooltip.
    pub inspect_hint: &'static str,
    /// The Inspect dialog's heading: `Job status: data`.
    pub inspect_heading: fn(&str) -> String,
    /// The Inspect dialog's size line: `2,028 rows in 12 series`, from
    /// the row and series counts.
    pub inspect_size: fn(usize, usize) -> String,
    /// The Inspect dialog with nothing in it.
    pub inspect_empty: &'static str,
    /// A dialog's close button.
    pub close: &'static str,
    /// A failed load (or read of usage), from its typed error.
    pub load_error: fn(&LoadError) -> String,
    /// `3 jobs skipped: 2 × duplicate id, ...`, or nothing.
    pub skipped: fn(Records, &SkipReport) -> Option<String>,
    /// One skipped record in the details: `job "j1": duplicate id`.
    pub skip_example: fn(&SkipExample) -> String,
    /// The backend's clock disagrees with the browser's.
    pub clock_skew: fn(&ClockSkew) -> String,
    /// Unknown states folded into one.
    pub state_fold: fn(&StateFold) -> String,
    /// A one-off notice (URL parameters, cache).
    pub notice: fn(&Notice) -> String,
    /// Hover cards: `launch job: {job}`.
    pub tip_launch_job: fn(&str) -> String,
    /// Hover cards: `user: {user}`.
    pub tip_user: fn(&str) -> String,
    /// Hover cards: `project: {project}`.
    pub tip_project: fn(&str) -> String,
    /// Hover cards: `run {id}`.
    pub tip_run: fn(&str) -> String,
    /// Hover cards of the usage charts: `{t} s since start: {v}%`.
    pub tip_since_start: fn(&str, f64) -> String,
    /// A run without a name.
    pub unnamed_run: &'static str,
    /// Axis title of the usage charts.
    pub axis_since_start: &'static str,
    /// Axis title of Queued time.
    pub axis_seconds_waiting: &'static str,
    /// Axis title of Job status.
    pub axis_jobs: &'static str,
    /// Axis title of Job runs (its lanes of concurrent runs).
    pub axis_lanes: &'static str,
    /// A chart Plotly could not draw.
    pub chart_failed: &'static str,
    /// A chart whose data could not be encoded.
    pub chart_encode_failed: &'static str,
    /// A custom grouping saved: `{name}`.
    pub grouping_saved: fn(&str) -> String,
    /// The Inspect table's head for a key of the `inspect` answer (the
    /// CSV keeps the keys, SPEC §6).
    pub inspect_column: fn(&str) -> &str,
    /// What a preference editor (links, saved views, custom groupings,
    /// import) reports: a refused edit or a change not kept.
    pub prefs_error: fn(&PrefsError) -> String,
    /// The config-failure page's message.
    pub config_error: fn(&ConfigError) -> String,
    /// A view saved: `{name}`.
    pub view_saved: fn(&str) -> String,
    /// Import mode: add to what is kept.
    pub import_merge: &'static str,
    /// Import mode: replace what is kept.
    pub import_replace: &'static str,
    /// The name of Job status' key of states (for screen readers).
    pub states_key: &'static str,
    /// The name of the waiting-by-hour heat map (for screen readers).
    pub heat_map_name: &'static str,
    /// The heat map's top-left header cell, over the weekdays and left of
    /// the hours (visually hidden: for screen readers).
    pub heat_corner: &'static str,
    /// The heat map's scale: the swatch of hours outside the range and 0.
    pub heat_scale_outside: &'static str,
    /// Plotly's locale for this language (its date ticks and mode bar),
    /// `None` where Plotly's own English serves.
    pub plotly: Option<&'static plotly::PlotlyLocale>,
}

/// English.
pub static EN: Words = Words {
    lang_name: "English",
    language: "Language",
    loading_config: "Loading configuration…",
    loading: "Loading…",
    retry: "Retry",
    no_jobs: "No jobs in this range",
    demo_data: "Demo data",
    demo_data_tip: "No api_base is configured: the data is generated in your browser",
    insights: "Insights",
    job_status: "Job status",
    queued_time: "Queued time",
    job_runs: "Job runs",
    selected_runs: "Selected runs",
    errors: "Errors",
    external_links: "External links",
    gpu_util: "GPU use by job",
    cpu_util: "CPU use by job",
    gpu_mem: "GPU memory by job",
    sys_mem: "System memory by job",
    view_controls: "View controls",
    queue: "Queue",
    time_range: "Time range",
    custom: "Custom",
    from: "From",
    to: "To",
    apply: "Apply",
    from_before_to: "“From” must be before “To”.",
    enter_both: "Enter both times.",
    bucket: "Bucket",
    auto_width: |w| format!("auto ({w})"),
    time_zone: "Time zone",
    local: "Local",
    group_by: "Group by",
    label_key: |k| format!("Label: {k}"),
    custom_grouping: |n| format!("Custom: {n}"),
    field_names: ["User", "Launch job", "Project", "Entity", "State"],
    label: "Label",
    search: "Search",
    search_hint: "Search job, job id, run…",
    select_hint: "Drag across Job runs (or use Select span) to select runs; they are listed here.",
    no_run_in_span: "No run in the selected span.",
    no_errors: "No errors in this range.",
    download_csv: "Download CSV",
    time: "Time",
    message: "Message",
    clear_selection: "Clear selection",
    show_every_group: "Show every group",
    groups: "Groups",
    show_all: "Show all",
    default_link: "default",
    default_link_tip: "Set by this deployment's config",
    done: "Done",
    manage_links: "Manage links",
    no_links: "No links yet. Use “Manage links” to add your Grafana, Datadog or cloud console.",
    link_label: "Link label",
    link_label_hint: "Label, e.g. Grafana",
    link_url: "Link address (URL)",
    link_placeholders: "In an address, {queue} is this queue’s id, {from} and {to} are this view’s range in RFC 3339 (UTC), {from_ms} and {to_ms} the same in milliseconds (as Grafana and Datadog links take it): they follow the view.",
    save: "Save",
    add: "Add",
    cancel: "Cancel",
    move_up: "Move up",
    move_down: "Move down",
    edit: "Edit",
    remove: "Remove",
    saved_views: "Saved views",
    view_name: "Name this view",
    save_view: "Save view",
    export: "Export…",
    import_more: "Import…",
    apply_view: "Apply this view",
    rename: "Rename",
    delete: "Delete",
    new_name: "New name",
    ok: "OK",
    imported: "Imported.",
    import_paste: "Paste an exported JSON file here",
    import_file: "Exported JSON file",
    import: "Import",
    custom_groupings: "Custom groupings",
    grouping_name: "Grouping name",
    grouping_name_hint: "Grouping name, e.g. teams",
    add_rule: "Add rule",
    save_grouping: "Save grouping",
    cache_empty: "The cache was already empty.",
    clear_cache_tip: "Forget the data kept in this browser for an instant reopen; the next load reads the backend",
    clear_cache: "Clear cache",
    cached_from: |from, age, updating| {
        let tail = if updating { ", updating…" } else { "" };
        format!("Cached, from {from} — {age} old{tail}")
    },
    load_failed: "Could not load the queue data. ",
    queues_failed: "Could not load the queue list. ",
    details: "Details",
    idle_windows: "Idle windows",
    who_waits: "Who waits most",
    failure_spikes: "Failure spikes",
    under_used_gpus: "Under-used GPUs",
    waiting_by_hour: "Waiting by hour of week",
    peak_hours: "Peak hours",
    point_at_hour: "Point at an hour for its exact mean",
    columns: ["Job id", "Run", "Launch job", "Project", "User", "State", "Enqueued", "Started", "Ended", "Queued", "Run time"],
    remove_rule: |n| format!("Remove rule {n}"),
    local_time: "local time",
    buckets_note: |what, w, zone| format!("{what} · {w} buckets · {zone}"),
    jobs_per_bucket: "jobs per bucket and state",
    seconds_waiting: "seconds spent waiting (idle + queued), by group",
    runs_brushed: |runs, lanes, sel| format!("{runs} runs in {lanes} lanes · {sel} selected by the brush"),
    runs_note: |runs, lanes| format!("{runs} runs in {lanes} lanes · drag to select a time span"),
    usage_some_selected: |n, total| format!("the {n} most recent of the {total} runs selected on Job runs"),
    usage_selected: |n| format!("the {n} runs selected on Job runs"),
    usage_recent: |n| format!("the {n} most recent runs in view (select on Job runs to choose)"),
    usage_none_in_view: "no runs in view",
    usage_none_selected: "no runs selected on Job runs",
    no_runs_in_view: "No runs in view.",
    runs_selected: |n| format!("{n} runs selected"),
    errors_note: |n| format!("{n} errors in the range, newest first"),
    other_monitors: |q| format!("other monitors for {q}"),
    hide_group: |g| format!("Hide {g}"),
    show_only: |g| format!("Show only {g}"),
    select_span: "Select span…",
    select_span_apply: "Select runs",
    lane_from: "Lanes from (optional)",
    lane_to: "Lanes to (optional)",
    span_lanes_error: "Give both lanes as numbers, or neither.",
    rule_field: |n| format!("Rule {n}: field"),
    rule_match: |n| format!("Rule {n}: values or /regex/"),
    rule_group: |n| format!("Rule {n}: group"),
    rule_match_hint: "alice, bob  or  /^sweep-/",
    rule_group_hint: "group",
    columns_menu: "Columns",
    chart_summary: |n, pts, top, total| format!("{n} series, {pts} values; the largest total is {top} ({total})."),
    chart_empty: "No data in this chart.",
    kept_data: " The last good data stays on screen.",
    refresh_paused: " Automatic refresh is paused until you press Retry.",
    updated_ago: |d| format!("Updated {d} ago"),
    updating: "updating…",
    paused_by_user: "refresh paused",
    paused_until_retry: "refresh paused until Retry",
    paused_while_hidden: "refresh paused while the page is hidden",
    next_in: |d| format!("next in {d}"),
    retrying_in: |d| format!("retrying in {d}"),
    retrying_sentence: |d| format!(" Retrying in {d}."),
    pause: "Pause",
    resume: "Resume",
    reading: |q| format!("Reading {q}… "),
    read_so_far: |pages, jobs| format!("{pages} pages, {jobs} jobs so far"),
    partial_shown: "The charts show the jobs read so far; they are not complete yet.",
    load_cancelled: "Load cancelled. ",
    retry_now: "Retry now",
    dismiss: "Dismiss",
    no_wait: "No job waited in this range",
    waiting_by: |by| format!("Waiting inside the range by {by}, most first"),
    hour_map_note: "Mean jobs waiting (idle or queued) in each hour of the week; blank hours are outside the range",
    usage_failed: "Usage could not be loaded: ",
    jobs_n: |n| if n == "1" { "1 job".into() } else { format!("{n} jobs") },
    idle_item: |len, when| format!("Idle {len} on {when}: no run held the queue"),
    no_idle: |m| format!("No idle window of {m} minutes or more in this range"),
    idle_summary: |share, n, m, top| {
        let longest = top.map(|k| format!(" (the {k} longest)")).unwrap_or_default();
        // The windows' share, not the header's idle share (every idle
        // instant, short gaps too): said as the windows' own figure.
        format!("{} of {m} minutes or more: {share} of the range{longest}", counted(n, "idle window"))
    },
    peak_item: |hour, jobs| format!("{hour}: {jobs} waiting on average"),
    who_item: |group, len, n, p95| {
        let p95 = match p95 {
            Some(p) => format!("p95 wait {p}"),
            None => "none started running in this range".into(),
        };
        format!("{group}: {len} waiting over {}, {p95}", counted(n, "job"))
    },
    spike_item: |n, when, (user, uf), (job, jf)| format!("{n} failures on {when}: most by {user} ({uf}), launch job {job} ({jf})"),
    spike_summary: |bucket, at_least, median, floor, n| {
        let why = match floor {
            true => format!("the minimum, as the median is {median}"),
            false => format!("3 × the median of {median}"),
        };
        let rule = format!("a {bucket} bucket with at least {at_least} failures ({why})");
        match n {
            0 => format!("No failure spike in this range: none is {rule}"),
            n => format!("{}: each {rule}", counted(n, "spike")),
        }
    },
    under_used_item: |(run, job, user), pct, len, unused| format!("{run} ({job}, {user}): {pct}% GPU use over {len}, {unused:.1} GPU-hours unused"),
    under_used_no_runs: "No run in view, so no GPU to judge",
    under_used_summary: |(max, mins), loaded, in_view, n| {
        let rule = format!("mean GPU use under {max}% over a run of {mins} minutes or more");
        let judged = format!("judged on the {loaded} of {in_view} runs in view whose usage is loaded");
        match n {
            0 => format!("No under-used GPU ({rule}), {judged}"),
            n => format!("{} with {rule}, {judged}", counted(n, "run")),
        }
    },
    heat_label: |hour, jobs, waiting, covered| format!("{hour}: {jobs} waiting on average ({waiting} of waiting over {covered} of the range)"),
    heat_outside: |hour| format!("{hour}: not in this range"),
    filters: "Filters",
    clear_filters: "Clear filters",
    any: "any",
    n_selected: |n| format!("{n} selected"),
    find: "Find…",
    find_in: |what| format!("Find a {what}"),
    insights_note: |tz| format!("what this view says · click an item to see it · {tz}"),
    load_rest: |n| format!("Load the usage of the other {}", counted(n, "run")),
    usage_progress: |state, done, total| {
        let what = match state {
            "running" => "Loading",
            "cancelled" => "Stopped: loaded",
            _ if done == total => return format!("Loaded the usage of the other {total} runs"),
            _ => "Loaded",
        };
        // Of the runs the button named ("the other 2,081 runs"), not of
        // every run in view, which the summary above counts.
        format!("{what} the usage of {done} of the other {total} runs")
    },
    figures: [
        "jobs",
        "runs",
        "queued hours",
        "median wait",
        "p95 wait",
        "failure rate",
        "idle share",
    ],
    rows_of: |a, b, n| format!("{a}–{b} of {n}"),
    whole_message: "Whole message",
    page_of: |p, n| format!("page {p} of {n}"),
    no_rows: "0 rows",
    prev_page: "Previous page",
    next_page: "Next page",
    theme: "Theme",
    theme_hint: "Light or dark page and charts; System follows your device's setting",
    theme_names: ["System", "Light", "Dark"],
    inspect: "Inspect",
    inspect_hint: "Show this panel's data as a table, with a CSV download",
    inspect_heading: |panel| format!("{panel}: data"),
    inspect_size: |rows, series| format!("{} in {} series", counted(rows, "row"), count(series)),
    inspect_empty: "No data in this view.",
    close: "Close",
    load_error: |e| e.to_string(),
    skipped: notices::skipped_en,
    skip_example: SkipExample::to_string,
    clock_skew: ClockSkew::summary,
    state_fold: StateFold::summary,
    notice: notices::notice_en,
    tip_launch_job: |j| format!("launch job: {j}"),
    tip_user: |u| format!("user: {u}"),
    tip_project: |p| format!("project: {p}"),
    tip_run: |r| format!("run {r}"),
    tip_since_start: |t, v| format!("{t} s since start: {v:.1}%"),
    unnamed_run: "(unnamed run)",
    axis_since_start: "seconds since run start",
    axis_seconds_waiting: "seconds waiting",
    axis_jobs: "jobs",
    axis_lanes: "lanes",
    chart_failed: "the chart could not be drawn",
    chart_encode_failed: "chart data could not be encoded",
    grouping_saved: |n| format!("Saved grouping “{n}”; pick custom: {n} under Group by."),
    inspect_column: |key| key,
    prefs_error: |e| e.to_string(),
    config_error: |e| e.to_string(),
    view_saved: |n| format!("Saved “{n}”."),
    import_merge: "merge",
    import_replace: "replace",
    states_key: "States",
    heat_map_name: "Mean jobs waiting by weekday and hour",
    heat_corner: "Weekday / hour",
    heat_scale_outside: "outside the range · 0 ",
    plotly: None,
};

/// Korean.
pub static KO: Words = Words {
    lang_name: "한국어",
    language: "언어",
    loading_config: "설정을 불러오는 중…",
    loading: "불러오는 중…",
    retry: "다시 시도",
    no_jobs: "이 기간에 작업이 없습니다",
    demo_data: "데모 데이터",
    demo_data_tip: "api_base가 설정되지 않아 브라우저에서 생성한 데이터입니다",
    insights: "인사이트",
    job_status: "작업 상태",
    queued_time: "대기 시간",
    job_runs: "작업 실행",
    selected_runs: "선택한 실행",
    errors: "오류",
    external_links: "외부 링크",
    gpu_util: "작업별 GPU 사용률",
    cpu_util: "작업별 CPU 사용률",
    gpu_mem: "작업별 GPU 메모리",
    sys_mem: "작업별 시스템 메모리",
    view_controls: "보기 설정",
    queue: "큐",
    time_range: "기간",
    custom: "직접 지정",
    from: "시작",
    to: "끝",
    apply: "적용",
    from_before_to: "“시작”이 “끝”보다 앞서야 합니다.",
    enter_both: "두 시각을 모두 입력하세요.",
    bucket: "구간 폭",
    auto_width: |w| format!("자동 ({w})"),
    time_zone: "시간대",
    local: "현지 시각",
    group_by: "묶음 기준",
    label_key: |k| format!("레이블: {k}"),
    custom_grouping: |n| format!("사용자 정의: {n}"),
    field_names: ["사용자", "실행 작업", "프로젝트", "엔티티", "상태"],
    label: "레이블",
    search: "검색",
    search_hint: "작업, 작업 ID, 실행 검색…",
    select_hint: "작업 실행 차트에서 끌어서(또는 구간 선택으로) 실행을 고르면 여기에 나열됩니다.",
    no_run_in_span: "선택한 구간에 실행이 없습니다.",
    no_errors: "이 기간에 오류가 없습니다.",
    download_csv: "CSV 내려받기",
    time: "시각",
    message: "메시지",
    clear_selection: "선택 해제",
    show_every_group: "모든 그룹 보기",
    groups: "그룹",
    show_all: "모두 보기",
    default_link: "기본",
    default_link_tip: "이 배포의 설정에 있는 링크",
    done: "완료",
    manage_links: "링크 관리",
    no_links: "아직 링크가 없습니다. “링크 관리”에서 Grafana, Datadog, 클라우드 콘솔을 추가하세요.",
    link_label: "링크 이름",
    link_label_hint: "이름, 예: Grafana",
    link_url: "링크 주소(URL)",
    link_placeholders: "주소 안의 {queue}는 이 큐의 ID, {from}와 {to}는 이 보기의 기간(RFC 3339, UTC), {from_ms}와 {to_ms}는 같은 기간의 밀리초(Grafana와 Datadog 링크 형식)로 바뀌며, 보기를 따라갑니다.",
    save: "저장",
    add: "추가",
    cancel: "취소",
    move_up: "위로",
    move_down: "아래로",
    edit: "편집",
    remove: "삭제",
    saved_views: "저장한 보기",
    view_name: "이 보기의 이름",
    save_view: "보기 저장",
    export: "내보내기…",
    import_more: "가져오기…",
    apply_view: "이 보기 적용",
    rename: "이름 바꾸기",
    delete: "삭제",
    new_name: "새 이름",
    ok: "확인",
    imported: "가져왔습니다.",
    import_paste: "내보낸 JSON 파일을 여기에 붙여 넣으세요",
    import_file: "내보낸 JSON 파일",
    import: "가져오기",
    custom_groupings: "사용자 정의 묶음",
    grouping_name: "묶음 이름",
    grouping_name_hint: "묶음 이름, 예: teams",
    add_rule: "규칙 추가",
    save_grouping: "묶음 저장",
    cache_empty: "캐시가 이미 비어 있습니다.",
    clear_cache_tip: "빠른 재열기를 위해 이 브라우저에 보관한 데이터를 지웁니다. 다음 불러오기는 백엔드에서 읽습니다",
    clear_cache: "캐시 지우기",
    cached_from: |from, age, updating| {
        let tail = if updating { ", 갱신 중…" } else { "" };
        format!("캐시: {from} 기준 — {age} 전{tail}")
    },
    load_failed: "큐 데이터를 불러오지 못했습니다. ",
    queues_failed: "큐 목록을 불러오지 못했습니다. ",
    details: "자세히",
    idle_windows: "유휴 구간",
    who_waits: "가장 오래 기다린 쪽",
    failure_spikes: "실패 급증",
    under_used_gpus: "덜 쓰인 GPU",
    waiting_by_hour: "요일·시간대별 대기",
    peak_hours: "대기가 많은 시간",
    point_at_hour: "시간 칸을 가리키면 정확한 평균이 보입니다",
    columns: ["작업 ID", "실행", "실행 작업", "프로젝트", "사용자", "상태", "제출", "시작", "종료", "대기", "실행 시간"],
    remove_rule: |n| format!("규칙 {n} 삭제"),
    local_time: "현지 시각",
    buckets_note: |what, w, zone| format!("{what} · {w} 구간 · {zone}"),
    jobs_per_bucket: "구간·상태별 작업 수",
    seconds_waiting: "그룹별 대기 시간(유휴 + 대기열), 초",
    runs_brushed: |runs, lanes, sel| format!("실행 {runs}개, 레인 {lanes}개 · {sel}개 선택됨"),
    runs_note: |runs, lanes| format!("실행 {runs}개, 레인 {lanes}개 · 끌어서 구간 선택"),
    usage_some_selected: |n, total| format!("작업 실행에서 선택한 {total}개 중 최근 {n}개"),
    usage_selected: |n| format!("작업 실행에서 선택한 실행 {n}개"),
    usage_recent: |n| format!("보이는 실행 중 최근 {n}개 (작업 실행에서 골라 보기)"),
    usage_none_in_view: "보이는 실행 없음",
    usage_none_selected: "작업 실행에서 선택한 실행 없음",
    no_runs_in_view: "보이는 실행이 없습니다.",
    runs_selected: |n| format!("실행 {n}개 선택됨"),
    errors_note: |n| format!("이 기간의 오류 {n}개, 최신순"),
    other_monitors: |q| format!("{q}의 다른 모니터"),
    hide_group: |g| format!("{g} 숨기기"),
    show_only: |g| format!("{g}만 보기"),
    select_span: "구간 선택…",
    select_span_apply: "실행 선택",
    lane_from: "레인 시작(선택)",
    lane_to: "레인 끝(선택)",
    span_lanes_error: "레인은 둘 다 숫자로 넣거나 둘 다 비워 두세요.",
    rule_field: |n| format!("규칙 {n}: 필드"),
    rule_match: |n| format!("규칙 {n}: 값 또는 /정규식/"),
    rule_group: |n| format!("규칙 {n}: 그룹"),
    rule_match_hint: "alice, bob  또는  /^sweep-/",
    rule_group_hint: "그룹",
    columns_menu: "열",
    chart_summary: |n, pts, top, total| format!("계열 {n}개, 값 {pts}개. 합계가 가장 큰 계열은 {top}({total})입니다."),
    chart_empty: "이 차트에 데이터가 없습니다.",
    kept_data: " 마지막으로 받은 데이터를 계속 보여 줍니다.",
    refresh_paused: " 다시 시도를 누를 때까지 자동 새로 고침을 멈춥니다.",
    updated_ago: |d| format!("{d} 전 갱신"),
    updating: "갱신 중…",
    paused_by_user: "새로 고침 멈춤",
    paused_until_retry: "다시 시도할 때까지 새로 고침 멈춤",
    paused_while_hidden: "페이지가 숨겨진 동안 새로 고침 멈춤",
    next_in: |d| format!("{d} 후 다음 갱신"),
    retrying_in: |d| format!("{d} 후 다시 시도"),
    retrying_sentence: |d| format!(" {d} 후 다시 시도합니다."),
    pause: "멈춤",
    resume: "재개",
    reading: |q| format!("{q} 읽는 중… "),
    read_so_far: |pages, jobs| format!("지금까지 {pages}페이지, 작업 {jobs}개"),
    partial_shown: "차트는 지금까지 읽은 작업만 보여 줍니다. 아직 전부가 아닙니다.",
    load_cancelled: "불러오기를 취소했습니다. ",
    retry_now: "지금 다시 시도",
    dismiss: "닫기",
    no_wait: "이 기간에 기다린 작업이 없습니다",
    waiting_by: |by| format!("기간 안의 대기, {by}별, 많은 순"),
    hour_map_note: "요일·시간대별 평균 대기 작업 수(유휴 또는 대기열). 빈 칸은 기간 밖입니다",
    usage_failed: "사용량을 불러오지 못했습니다: ",
    jobs_n: |n| format!("작업 {n}개"),
    idle_item: |len, when| format!("{when}에 {len} 유휴: 큐를 쓴 실행이 없었습니다"),
    no_idle: |m| format!("이 기간에 {m}분 이상의 유휴 구간이 없습니다"),
    idle_summary: |share, n, m, top| {
        let longest = top.map(|k| format!(" (가장 긴 {k}개)")).unwrap_or_default();
        format!("{m}분 이상의 유휴 구간 {}개: 기간의 {share}{longest}", count(n))
    },
    peak_item: |hour, jobs| format!("{hour}: 평균 {jobs} 대기"),
    who_item: |group, len, n, p95| {
        let p95 = match p95 {
            Some(p) => format!("p95 대기 {p}"),
            None => "이 기간에 시작한 작업 없음".into(),
        };
        format!("{group}: 작업 {}개가 {len} 대기, {p95}", count(n))
    },
    spike_item: |n, when, (user, uf), (job, jf)| format!("{when}에 실패 {n}건: 가장 많은 사용자 {user} ({uf}), 실행 작업 {job} ({jf})"),
    spike_summary: |bucket, at_least, median, floor, n| {
        let why = match floor {
            true => format!("최소 기준, 중앙값 {median}"),
            false => format!("중앙값 {median}의 3배"),
        };
        let rule = format!("실패가 {at_least}건 이상인 {bucket} 구간({why})");
        match n {
            0 => format!("이 기간에 실패 급증이 없습니다: {rule}이 없습니다"),
            n => format!("급증 {}건: 각각 {rule}", count(n)),
        }
    },
    under_used_item: |(run, job, user), pct, len, unused| format!("{run} ({job}, {user}): {len} 동안 GPU 사용률 {pct}%, 쓰지 않은 GPU 시간 {unused:.1}"),
    under_used_no_runs: "보이는 실행이 없어 판단할 GPU가 없습니다",
    under_used_summary: |(max, mins), loaded, in_view, n| {
        let rule = format!("{mins}분 이상 실행하며 평균 GPU 사용률 {max}% 미만");
        let judged = format!("보이는 실행 {in_view}개 중 사용량을 불러온 {loaded}개 기준");
        match n {
            0 => format!("덜 쓰인 GPU가 없습니다({rule}), {judged}"),
            n => format!("실행 {}개가 {rule}, {judged}", count(n)),
        }
    },
    heat_label: |hour, jobs, waiting, covered| format!("{hour}: 평균 {jobs} 대기 (기간 {covered} 동안 대기 {waiting})"),
    heat_outside: |hour| format!("{hour}: 기간 밖"),
    filters: "필터",
    clear_filters: "필터 지우기",
    any: "전체",
    n_selected: |n| format!("{n}개 선택"),
    find: "찾기…",
    find_in: |what| format!("{what} 찾기"),
    insights_note: |tz| format!("이 보기에서 알 수 있는 것 · 항목을 누르면 그 부분을 봅니다 · {tz}"),
    load_rest: |n| format!("나머지 실행 {}개의 사용량 불러오기", count(n)),
    usage_progress: |state, done, total| {
        let what = match state {
            "running" => "불러오는 중",
            "cancelled" => "멈춤",
            _ if done == total => return format!("사용량 완료: 나머지 실행 {total}개"),
            _ => "완료",
        };
        format!("사용량 {what}: 나머지 실행 {total}개 중 {done}개")
    },
    figures: [
        "작업",
        "실행",
        "대기 시간(시)",
        "대기 중앙값",
        "대기 p95",
        "실패율",
        "유휴 비율",
    ],
    rows_of: |a, b, n| format!("{n}개 중 {a}–{b}"),
    whole_message: "전체 메시지",
    page_of: |p, n| format!("{n}쪽 중 {p}쪽"),
    no_rows: "0개",
    prev_page: "이전 쪽",
    next_page: "다음 쪽",
    theme: "테마",
    theme_hint: "페이지와 차트를 밝게 또는 어둡게 표시합니다. 시스템은 기기 설정을 따릅니다",
    theme_names: ["시스템", "밝게", "어둡게"],
    inspect: "데이터 보기",
    inspect_hint: "이 패널의 데이터를 표로 보고 CSV로 내려받습니다",
    inspect_heading: |panel| format!("{panel}: 데이터"),
    inspect_size: |rows, series| format!("{}개 시리즈, {}행", count(series), count(rows)),
    inspect_empty: "이 보기에는 데이터가 없습니다.",
    close: "닫기",
    load_error: notices::load_error_ko,
    skipped: notices::skipped_ko,
    skip_example: notices::skip_example_ko,
    clock_skew: notices::clock_skew_ko,
    state_fold: notices::state_fold_ko,
    notice: notices::notice_ko,
    tip_launch_job: |j| format!("실행 작업: {j}"),
    tip_user: |u| format!("사용자: {u}"),
    tip_project: |p| format!("프로젝트: {p}"),
    tip_run: |r| format!("실행 {r}"),
    tip_since_start: |t, v| format!("시작 후 {t}초: {v:.1}%"),
    unnamed_run: "(이름 없는 실행)",
    axis_since_start: "실행 시작 후 경과(초)",
    axis_seconds_waiting: "대기(초)",
    axis_jobs: "작업 수",
    axis_lanes: "레인",
    chart_failed: "차트를 그리지 못했습니다",
    chart_encode_failed: "차트 데이터를 변환하지 못했습니다",
    grouping_saved: |n| format!("묶음 “{n}”을(를) 저장했습니다. 묶음 기준에서 custom: {n}을(를) 고르세요."),
    inspect_column: |key| match key {
        "series" => "계열",
        "brushed" => "선택됨",
        "end" => "끝",
        "job_id" => "작업 ID",
        other => other,
    },
    prefs_error: prefs::prefs_error_ko,
    config_error: prefs::config_error_ko,
    view_saved: |n| format!("“{n}”을(를) 저장했습니다."),
    import_merge: "합치기",
    import_replace: "바꾸기",
    states_key: "상태",
    heat_map_name: "요일·시간별 평균 대기 작업 수",
    heat_corner: "요일 / 시간",
    heat_scale_outside: "기간 밖 · 0 ",
    plotly: Some(&plotly::KO),
};

impl Words {
    /// A job field's name (`User`, `사용자`).
    pub fn field(&self, f: Field) -> &'static str {
        self.field_names[f.index()]
    }
}

/// The catalogue of a language.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Ko => &KO,
    }
}

thread_local! {
    /// The language the page is being built in (wasm is single-threaded).
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Sets the language the page is built in; the language state calls it
/// before the view tree is rebuilt.
pub fn set_current(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The language the page is built in.
pub fn current() -> Lang {
    CURRENT.with(|c| c.get())
}

/// The words of the language the page is built in.
pub fn t() -> &'static Words {
    words(current())
}

/// The language a browser's `navigator.language` asks for: Korean for any
/// `ko` tag (`ko`, `ko-KR`), else English.
pub fn from_browser(tag: &str) -> Lang {
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    Lang::parse(primary).unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags() {
        assert_eq!(from_browser("ko-KR"), Lang::Ko);
        assert_eq!(from_browser("ko"), Lang::Ko);
        assert_eq!(from_browser("en-US"), Lang::En);
        assert_eq!(from_browser("de"), Lang::En);
        assert_eq!(from_browser(""), Lang::En);
    }

    #[test]
    fn the_links_hint_names_every_placeholder() {
        for words in [&EN, &KO] {
            for key in queuescope_core::template::LINK_PLACEHOLDERS {
                assert!(words.link_placeholders.contains(key), "{key}");
            }
        }
    }

    #[test]
    fn the_usage_progress_counts_the_other_runs() {
        let p = EN.usage_progress;
        assert_eq!(
            p("running", "100", "2,081"),
            "Loading the usage of 100 of the other 2,081 runs"
        );
        assert_eq!(
            p("cancelled", "100", "2,081"),
            "Stopped: loaded the usage of 100 of the other 2,081 runs"
        );
        assert_eq!(
            p("done", "2,081", "2,081"),
            "Loaded the usage of the other 2,081 runs"
        );
        assert_eq!(
            (KO.usage_progress)("done", "2,081", "2,081"),
            "사용량 완료: 나머지 실행 2,081개"
        );
        assert_eq!(
            (KO.usage_progress)("running", "100", "2,081"),
            "사용량 불러오는 중: 나머지 실행 2,081개 중 100개"
        );
    }

    #[test]
    fn sentences_follow_the_language() {
        assert_eq!((EN.rows_of)("1", "50", "312"), "1–50 of 312");
        assert_eq!((KO.rows_of)("1", "50", "312"), "312개 중 1–50");
        set_current(Lang::Ko);
        assert_eq!(t().job_status, "작업 상태");
        set_current(Lang::En);
        assert_eq!(t().job_status, "Job status");
    }
}
