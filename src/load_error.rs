//! Why a load failed (`LoadError`): typed, with the data a user needs (the
//! URL, the status, the seconds, the limit). Its `Display` is the English
//! the page shows; `i18n::notices` words it in Korean. Outside `api.rs` so
//! the catalogue compiles (and is tested) natively.

use queuescope_core::limits::{Asked, ReadLimitError};
use queuescope_core::parse::ParseError;

/// Why a load failed, in words a user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// The request never got an answer (offline, CORS, DNS, aborted).
    #[error("could not reach the queue API at {}: {detail}", shown(url))]
    Network { url: String, detail: String },
    /// 401: the API does not know who asks (SPEC §2 errors; issue #10 row 10).
    #[error("the queue API asks you to sign in (401 for {}{}). Sign in to the site that serves the queue API, or, if this dashboard is embedded in a portal, reload the portal page so it hands over a fresh token; then press Retry", shown(url), detail(message))]
    SignIn {
        url: String,
        message: Option<String>,
    },
    /// 403: known, but not allowed to read this queue.
    #[error("you have no access to this queue's data (403 for {}{}). Ask the queue's owners for access, or, in a portal, check that its page hands over a token allowed to read it; then press Retry", shown(url), detail(message))]
    NoAccess {
        url: String,
        message: Option<String>,
    },
    /// Another non-2xx answer.
    #[error(
        "the queue API answered {status} for {}{}",
        shown(url),
        detail(message)
    )]
    Http {
        url: String,
        status: u16,
        message: Option<String>,
    },
    /// The body could not be used.
    #[error("{source} (from {})", shown(url))]
    Parse { url: String, source: ParseError },
    /// The user cancelled the read.
    #[error("the read of {queue} was cancelled after {} pages ({} jobs); press Retry to load it again", queuescope_core::text::count(*.pages), queuescope_core::text::count(*.jobs))]
    Cancelled {
        queue: String,
        pages: usize,
        jobs: usize,
    },
    /// A limit of SPEC §2 stopped the read (a timeout, a looping cursor,
    /// too many pages, jobs or bytes); the message names it and what helps
    /// a read of what was `asked`.
    #[error("{source}; {} (at {})", source.remedy(*asked), shown(url))]
    Limit {
        url: String,
        asked: Asked,
        source: ReadLimitError,
    },
}

/// A URL as a message shows it: clipped to 200 characters (a usage
/// request names up to 100 run ids, ~1 kB; a jobs URL with its range and
/// `updated_since` is ~150 and stays whole).
pub(crate) fn shown(url: &str) -> std::borrow::Cow<'_, str> {
    queuescope_core::text::clip(url, 200)
}

/// The backend's own words after a colon (clipped: a body may hold
/// kilobytes of them), or nothing.
pub(crate) fn detail(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {}", queuescope_core::text::clip(m, 300)))
        .unwrap_or_default()
}

impl LoadError {
    /// 401 and 403: only the user can fix them (sign in, get access), so
    /// the periodic refresh stops asking until they press Retry; and a read
    /// the user cancelled is not started again behind their back.
    pub fn needs_user(&self) -> bool {
        matches!(
            self,
            LoadError::SignIn { .. } | LoadError::NoAccess { .. } | LoadError::Cancelled { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A usage request's URL (100 run ids) is cut to 200 characters in the
    /// message; a jobs URL stays whole.
    #[test]
    fn long_urls_are_clipped_in_messages() {
        let base = "http://127.0.0.1:9/api/v1/queues/q/metrics?run_ids=";
        let ids: Vec<String> = (0..100).map(|i| format!("run{i:05}")).collect();
        let url = format!("{base}{}", ids.join(","));
        let e = LoadError::Http {
            url: url.clone(),
            status: 502,
            message: None,
        };
        let text = e.to_string();
        let shown = text.trim_start_matches("the queue API answered 502 for ");
        assert_eq!(shown.chars().count(), 200, "{shown}");
        assert!(shown.starts_with(base) && shown.ends_with('…'), "{shown}");
        assert!(url.starts_with(shown.trim_end_matches('…')));
        let jobs = "http://127.0.0.1:36673/api/v1/queues/a100-pool/jobs?from=2026-12-01T06%3A08%3A03Z&to=2026-12-02T06%3A08%3A03Z&updated_since=2026-12-02T06%3A08%3A03Z";
        let e = LoadError::Http {
            url: jobs.into(),
            status: 502,
            message: None,
        };
        assert_eq!(
            e.to_string(),
            format!("the queue API answered 502 for {jobs}")
        );
    }
}
