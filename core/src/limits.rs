//! The client's limits (SPEC §2 "The client's limits", §4): how much one
//! read of a queue's jobs may follow, keep and download, how long a request
//! may take, and how often the data may be refreshed. The numbers and the
//! messages a user sees when one is reached live here; the loader holds a
//! [`ReadGuard`] per read and asks it after every page.
//!
//! No limit discards data: a read that stops is a failed read, and the app
//! keeps the last good data on screen (the loader's side of the promise).

use std::collections::HashSet;
use std::fmt;
use std::ops::RangeInclusive;

use crate::text::{clip, count};

/// Pages one read follows at most (SPEC §2).
pub const MAX_PAGES: usize = 2_000;
/// Jobs one read keeps at most (SPEC §2).
pub const MAX_JOBS: usize = 1_000_000;
/// Bytes one page's body may have. A body is held whole while it is parsed
/// (twice: as the browser's string and as Rust's), so this bounds the peak
/// memory of a page; real pages of a few thousand jobs are a few MB.
pub const MAX_PAGE_BYTES: u64 = 64_000_000;
/// Bytes one read downloads at most, over all its pages. A million jobs of
/// the contract's shape are about 400 MB; past this, the answer is mostly
/// something other than jobs (padding, skipped records) and the tab would
/// spend minutes and gigabytes on it.
pub const MAX_READ_BYTES: u64 = 1_000_000_000;

/// `request_timeout_seconds` (SPEC §4): what may be configured.
pub const REQUEST_TIMEOUT_SECONDS: RangeInclusive<u32> = 1..=600;
/// `request_timeout_seconds` when the config names none (SPEC §2).
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u32 = 30;
/// `refresh_seconds` (SPEC §4): a value outside is clamped into it. The top
/// is a day; the browser's timer takes at most 2^31 - 1 ms (24.8 days), and
/// leptos' interval helper panics past it.
pub const REFRESH_SECONDS: RangeInclusive<u32> = 10..=86_400;

/// The limits of one read; [`ReadLimits::default`] is SPEC §2's. Tests use
/// smaller ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// See [`MAX_PAGES`].
    pub max_pages: usize,
    /// See [`MAX_JOBS`].
    pub max_jobs: usize,
    /// See [`MAX_PAGE_BYTES`].
    pub max_page_bytes: u64,
    /// See [`MAX_READ_BYTES`].
    pub max_read_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_pages: MAX_PAGES,
            max_jobs: MAX_JOBS,
            max_page_bytes: MAX_PAGE_BYTES,
            max_read_bytes: MAX_READ_BYTES,
        }
    }
}

/// Why a read stopped: each names the limit it reached. What a user can do
/// about it depends on what was asked ([`ReadLimitError::remedy`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadLimitError {
    /// `next_cursor` repeated one this read already followed.
    #[error("the backend's paging loops: it sent the cursor {cursor} a second time (after {} pages), so nothing more was asked", count(*.pages))]
    PagingLoops {
        /// The repeated cursor, quoted and clipped for display.
        cursor: String,
        /// Pages read before it came again.
        pages: usize,
    },
    /// More pages than [`ReadLimits::max_pages`].
    #[error("the answer has more than {} pages, the most one read follows", count(*.limit))]
    TooManyPages {
        /// The limit.
        limit: usize,
    },
    /// More jobs than [`ReadLimits::max_jobs`].
    #[error("the range holds more than {} jobs, the most one read keeps", count(*.limit))]
    TooManyJobs {
        /// The limit.
        limit: usize,
    },
    /// One page larger than [`ReadLimits::max_page_bytes`].
    #[error("one page of the answer is {}, more than the {} a page may have", megabytes(*.bytes), megabytes(*.limit))]
    PageTooLarge {
        /// The page's size (as declared, or as received).
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A page that grew past [`ReadLimits::max_page_bytes`] while it
    /// arrived, its declared length (if any) within it: sent without its
    /// length (chunked), or compressed on the way (`Content-Length` is then
    /// the compressed size); its download was stopped there.
    #[error("one page of the answer grew past the {} a page may have while it arrived, so its download was stopped", megabytes(*.limit))]
    PageGrewTooLarge {
        /// The limit.
        limit: u64,
    },
    /// The pages together larger than [`ReadLimits::max_read_bytes`].
    #[error("the answer is larger than {}, the most one read downloads", megabytes(*.limit))]
    TooManyBytes {
        /// The limit.
        limit: u64,
    },
    /// A request took longer than `request_timeout_seconds`.
    #[error("the queue API did not answer within {} (request_timeout_seconds)", in_seconds(*.seconds))]
    TimedOut {
        /// The timeout in force.
        seconds: u32,
    },
}

/// What a read asked the backend for. One limit calls for different
/// advice: a shorter range makes a jobs read smaller, not the queue list or
/// a usage answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// A queue's jobs over the range (all pages).
    Jobs,
    /// The queue list.
    Queues,
    /// The usage series of the runs the usage charts show.
    Usage,
}

/// What a user can do once a limit stopped a read ([`ReadLimitError::remedy`]);
/// its `Display` is the English the messages end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Remedy {
    /// A range's pages, jobs or bytes: a shorter range has fewer.
    #[error("choose a shorter range")]
    ShorterRange,
    /// One page of jobs too large: a shorter range may have smaller pages;
    /// the backend's page size surely does.
    #[error("choose a shorter range, or ask the backend's owners for smaller pages")]
    ShorterRangeOrSmallerPages,
    /// A jobs request too slow: a shorter range asks for less.
    #[error("retry, or choose a shorter range")]
    RetryOrShorterRange,
    /// A queue list or usage request too slow: nothing in the view asks
    /// for less.
    #[error("retry")]
    Retry,
    /// A usage answer too large: fewer runs ask for less.
    #[error("select fewer runs on Job runs, or ask the backend's owners for smaller answers")]
    FewerRuns,
    /// The queue list too large: only its backend can change it.
    #[error("ask the backend's owners to check its queue list")]
    CheckQueueList,
    /// A paging loop: only the backend can fix it.
    #[error("its owners need to fix its paging")]
    FixPaging,
}

impl ReadLimitError {
    /// What a user can do about this limit, reached by a read of `asked`.
    pub fn remedy(&self, asked: Asked) -> Remedy {
        use ReadLimitError as E;
        match (self, asked) {
            (E::PagingLoops { .. }, _) => Remedy::FixPaging,
            (E::TimedOut { .. }, Asked::Jobs) => Remedy::RetryOrShorterRange,
            (E::TimedOut { .. }, Asked::Queues | Asked::Usage) => Remedy::Retry,
            (E::PageTooLarge { .. } | E::PageGrewTooLarge { .. }, Asked::Jobs) => {
                Remedy::ShorterRangeOrSmallerPages
            }
            (
                E::TooManyPages { .. } | E::TooManyJobs { .. } | E::TooManyBytes { .. },
                Asked::Jobs,
            ) => Remedy::ShorterRange,
            // Only a jobs read has pages, jobs and a read's bytes to count;
            // the others are one answer held to one page's limits.
            (_, Asked::Queues) => Remedy::CheckQueueList,
            (_, Asked::Usage) => Remedy::FewerRuns,
        }
    }
}

/// `64 MB` (decimal megabytes, rounded down).
fn megabytes(bytes: u64) -> String {
    format!(
        "{} MB",
        count(usize::try_from(bytes / 1_000_000).unwrap_or(usize::MAX))
    )
}

/// `30 s`, `1 second`.
fn in_seconds(s: u32) -> String {
    if s == 1 {
        "1 second".into()
    } else {
        format!("{s} seconds")
    }
}

/// What one read has used of its [`ReadLimits`]. The loader makes one per
/// read and, page after page:
///
/// ```text
/// guard.check_declared(content_length)?;   // before downloading the body, if declared
/// guard.check_arriving(so_far)?;           // at each chunk of it
/// guard.body(body.len())?;                 // before parsing it
/// let next = guard.page(page.jobs.len(), page.next_cursor.as_deref())?;
/// // next: Some(cursor) to ask for, None when the read is complete
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReadGuard {
    limits: ReadLimits,
    pages: usize,
    jobs: usize,
    bytes: u64,
    /// Cursors followed so far. Each came in a body counted against the
    /// byte limit, so their memory is bounded by it.
    followed: HashSet<String>,
}

impl ReadGuard {
    /// A guard for a new read.
    pub fn new(limits: ReadLimits) -> ReadGuard {
        ReadGuard {
            limits,
            ..ReadGuard::default()
        }
    }

    /// Pages whose body arrived so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Jobs kept so far.
    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// Body bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Before a page's body is downloaded: refuses one whose declared
    /// length (`Content-Length`) breaks a byte limit, so it is never
    /// fetched. Without a declared length there is nothing to check yet.
    pub fn check_declared(&self, content_length: Option<u64>) -> Result<(), ReadLimitError> {
        match content_length {
            Some(n) => self.check_bytes(n),
            None => Ok(()),
        }
    }

    /// While a page arrives: refuses it as soon as the `so_far` bytes
    /// received break a byte limit, so its download can be stopped there
    /// instead of read whole (a declared length may be a compressed one).
    pub fn check_arriving(&self, so_far: u64) -> Result<(), ReadLimitError> {
        self.check_bytes(so_far).map_err(|e| match e {
            ReadLimitError::PageTooLarge { limit, .. } => {
                ReadLimitError::PageGrewTooLarge { limit }
            }
            e => e,
        })
    }

    /// A page's body of `bytes` arrived: counts it, before it is parsed.
    pub fn body(&mut self, bytes: u64) -> Result<(), ReadLimitError> {
        self.check_bytes(bytes)?;
        self.pages += 1;
        self.bytes += bytes;
        Ok(())
    }

    fn check_bytes(&self, bytes: u64) -> Result<(), ReadLimitError> {
        if bytes > self.limits.max_page_bytes {
            return Err(ReadLimitError::PageTooLarge {
                bytes,
                limit: self.limits.max_page_bytes,
            });
        }
        if self.bytes.saturating_add(bytes) > self.limits.max_read_bytes {
            return Err(ReadLimitError::TooManyBytes {
                limit: self.limits.max_read_bytes,
            });
        }
        Ok(())
    }

    /// The page was parsed and kept `jobs` jobs; `next_cursor` is what it
    /// said comes next. Returns the cursor to ask for next, or `None` when
    /// the read is complete.
    pub fn page<'a>(
        &mut self,
        jobs: usize,
        next_cursor: Option<&'a str>,
    ) -> Result<Option<&'a str>, ReadLimitError> {
        self.jobs = self.jobs.saturating_add(jobs);
        if self.jobs > self.limits.max_jobs {
            return Err(ReadLimitError::TooManyJobs {
                limit: self.limits.max_jobs,
            });
        }
        let Some(next) = next_cursor else {
            return Ok(None);
        };
        if self.followed.contains(next) {
            return Err(ReadLimitError::PagingLoops {
                cursor: format!("{:?}", clip(next, 40)),
                pages: self.pages,
            });
        }
        if self.pages >= self.limits.max_pages {
            return Err(ReadLimitError::TooManyPages {
                limit: self.limits.max_pages,
            });
        }
        self.followed.insert(next.to_string());
        Ok(Some(next))
    }
}

/// `refresh_seconds` as the app uses it: `None` (absent, or 0) never
/// refreshes; anything else is clamped into [`REFRESH_SECONDS`] (a fraction
/// rounds up to whole seconds), with the notice that says so.
pub fn clamp_refresh(given: Option<f64>) -> (Option<u32>, Option<ConfigNotice>) {
    let Some(s) = given.filter(|&s| s != 0.0) else {
        return (None, None);
    };
    let (lo, hi) = (*REFRESH_SECONDS.start(), *REFRESH_SECONDS.end());
    let whole = s.ceil();
    // NaN cannot come from JSON; `clamp` would keep it, and the cast makes it 0.
    let used = (whole.clamp(f64::from(lo), f64::from(hi)) as u32).max(lo);
    let notice = (f64::from(used) != whole).then_some(ConfigNotice::Refresh { given: s, used });
    (Some(used), notice)
}

/// The longest wait between refreshes after failures, unless
/// `refresh_seconds` itself is longer.
pub const MAX_BACKOFF_SECONDS: u32 = 300;

/// Seconds until the next refresh, after `failures` failed reads in a row
/// (SPEC §4: a refresh backs off after failures): `refresh_seconds` while
/// the reads succeed and after the first failure, then doubled per failure
/// (10 s, 20 s, 40 s ...) up to [`MAX_BACKOFF_SECONDS`] (or
/// `refresh_seconds`, if longer).
pub fn refresh_delay(refresh_seconds: u32, failures: u32) -> u32 {
    let cap = refresh_seconds.max(MAX_BACKOFF_SECONDS);
    let doublings = failures.saturating_sub(1).min(31);
    refresh_seconds
        .checked_mul(1 << doublings)
        .map_or(cap, |d| d.min(cap))
}

/// `request_timeout_seconds` as the app uses it: absent is the default;
/// a value outside [`REQUEST_TIMEOUT_SECONDS`] is the default too, with a
/// notice (a timeout of 0 or of hours is a typo, not a wish). A fraction
/// rounds up to whole seconds.
pub fn check_request_timeout(given: Option<f64>) -> (u32, Option<ConfigNotice>) {
    let Some(s) = given else {
        return (DEFAULT_REQUEST_TIMEOUT_SECONDS, None);
    };
    let (lo, hi) = (
        *REQUEST_TIMEOUT_SECONDS.start(),
        *REQUEST_TIMEOUT_SECONDS.end(),
    );
    if s > 0.0 && s.ceil() <= f64::from(hi) {
        return ((s.ceil() as u32).max(lo), None);
    }
    (
        DEFAULT_REQUEST_TIMEOUT_SECONDS,
        Some(ConfigNotice::Timeout { given: s }),
    )
}

/// What reading `config.json` changed, for the user: typed, so the shell
/// words it in the page's language; [`fmt::Display`] is the English.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigNotice {
    /// `refresh_seconds` outside [`REFRESH_SECONDS`]: `used` instead.
    Refresh {
        /// As given.
        given: f64,
        /// What the app uses.
        used: u32,
    },
    /// `request_timeout_seconds` outside [`REQUEST_TIMEOUT_SECONDS`]: the
    /// default ([`DEFAULT_REQUEST_TIMEOUT_SECONDS`]) instead.
    Timeout {
        /// As given.
        given: f64,
    },
    /// `theme` none of auto, light, dark (its JSON): the system's is used.
    Theme(String),
    /// `lang` none of auto, en, ko (its JSON): the browser's is used.
    Lang(String),
}

impl fmt::Display for ConfigNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigNotice::Refresh { given, used } => write!(
                f,
                "refresh_seconds is {given} in config.json, outside {} to {}: the data refreshes every {} seconds",
                REFRESH_SECONDS.start(),
                count(*REFRESH_SECONDS.end() as usize),
                count(*used as usize)
            ),
            ConfigNotice::Timeout { given } => write!(
                f,
                "request_timeout_seconds is {given} in config.json, outside {} to {}: requests time out after {DEFAULT_REQUEST_TIMEOUT_SECONDS} seconds",
                REQUEST_TIMEOUT_SECONDS.start(),
                REQUEST_TIMEOUT_SECONDS.end()
            ),
            ConfigNotice::Theme(v) => write!(
                f,
                "config.json: theme {v} is not auto, light or dark; following the system's"
            ),
            ConfigNotice::Lang(v) => write!(
                f,
                "config.json: lang {v} is not auto, en or ko; the browser's language is used"
            ),
        }
    }
}

eq_by_display!(ConfigNotice);

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> ReadLimits {
        ReadLimits {
            max_pages: 3,
            max_jobs: 10,
            max_page_bytes: 100,
            max_read_bytes: 250,
        }
    }

    #[test]
    fn refresh_backs_off_after_failures() {
        let delays: Vec<u32> = (0..8).map(|f| refresh_delay(10, f)).collect();
        assert_eq!(delays, [10, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(
            refresh_delay(600, 3),
            600,
            "never sooner than refresh_seconds"
        );
        assert_eq!(refresh_delay(86_400, u32::MAX), 86_400);
        assert_eq!(refresh_delay(10, u32::MAX), 300);
    }

    #[test]
    fn spec_numbers() {
        let l = ReadLimits::default();
        assert_eq!((l.max_pages, l.max_jobs), (2_000, 1_000_000));
        assert_eq!(REFRESH_SECONDS, 10..=86_400);
        assert_eq!(REQUEST_TIMEOUT_SECONDS, 1..=600);
        assert_eq!(DEFAULT_REQUEST_TIMEOUT_SECONDS, 30);
    }

    #[test]
    fn a_read_within_the_limits_completes() {
        let mut g = ReadGuard::new(small());
        g.body(100).unwrap();
        assert_eq!(g.page(4, Some("a")), Ok(Some("a")));
        g.body(100).unwrap();
        assert_eq!(g.page(4, Some("b")), Ok(Some("b")));
        g.body(50).unwrap();
        assert_eq!(g.page(2, None), Ok(None));
        assert_eq!((g.pages(), g.jobs(), g.bytes()), (3, 10, 250));
    }

    #[test]
    fn a_repeated_cursor_is_a_loop() {
        let mut g = ReadGuard::new(ReadLimits::default());
        g.body(10).unwrap();
        assert_eq!(g.page(1, Some("loop")), Ok(Some("loop")));
        g.body(10).unwrap();
        let e = g.page(1, Some("loop")).unwrap_err();
        assert_eq!(
            e,
            ReadLimitError::PagingLoops {
                cursor: "\"loop\"".into(),
                pages: 2
            }
        );
        assert_eq!(
            e.to_string(),
            "the backend's paging loops: it sent the cursor \"loop\" a second time (after 2 pages), so nothing more was asked"
        );
        // An earlier cursor, not only the last one.
        let mut g = ReadGuard::new(ReadLimits::default());
        for c in ["a", "b", "c"] {
            g.body(1).unwrap();
            g.page(0, Some(c)).unwrap();
        }
        g.body(1).unwrap();
        assert!(matches!(
            g.page(0, Some("a")),
            Err(ReadLimitError::PagingLoops { .. })
        ));
    }

    #[test]
    fn a_long_cursor_is_clipped_in_the_message() {
        let mut g = ReadGuard::new(ReadLimits::default());
        let c = "c".repeat(5000);
        g.body(1).unwrap();
        g.page(0, Some(&c)).unwrap();
        g.body(1).unwrap();
        let e = g.page(0, Some(&c)).unwrap_err().to_string();
        assert!(e.len() < 250, "{e}");
    }

    #[test]
    fn the_page_limit_stops_before_asking_for_one_more() {
        let mut g = ReadGuard::new(small());
        for c in ["1", "2"] {
            g.body(1).unwrap();
            assert_eq!(g.page(0, Some(c)), Ok(Some(c)));
        }
        g.body(1).unwrap();
        // The third page may be the last; a fourth is never asked for.
        assert_eq!(g.page(0, None), Ok(None));
        let mut g = ReadGuard::new(small());
        for c in ["1", "2"] {
            g.body(1).unwrap();
            g.page(0, Some(c)).unwrap();
        }
        g.body(1).unwrap();
        let e = g.page(0, Some("3")).unwrap_err();
        assert_eq!(e, ReadLimitError::TooManyPages { limit: 3 });
        let spec = ReadLimitError::TooManyPages { limit: MAX_PAGES };
        assert_eq!(
            spec.to_string(),
            "the answer has more than 2,000 pages, the most one read follows"
        );
    }

    #[test]
    fn the_job_limit() {
        let mut g = ReadGuard::new(small());
        g.body(1).unwrap();
        g.page(10, Some("x")).unwrap();
        g.body(1).unwrap();
        assert_eq!(
            g.page(1, None),
            Err(ReadLimitError::TooManyJobs { limit: 10 })
        );
        assert_eq!(
            ReadLimitError::TooManyJobs { limit: MAX_JOBS }.to_string(),
            "the range holds more than 1,000,000 jobs, the most one read keeps"
        );
    }

    #[test]
    fn byte_limits_per_page_and_per_read() {
        let mut g = ReadGuard::new(small());
        assert_eq!(
            g.check_declared(Some(101)),
            Err(ReadLimitError::PageTooLarge {
                bytes: 101,
                limit: 100
            })
        );
        assert_eq!(g.check_declared(None), Ok(()));
        assert_eq!(g.check_arriving(100), Ok(()));
        assert_eq!(
            g.check_arriving(101),
            Err(ReadLimitError::PageGrewTooLarge { limit: 100 })
        );
        assert!(g.body(101).is_err());
        assert_eq!(g.pages(), 0, "a refused body is not counted");
        g.body(100).unwrap();
        g.page(0, Some("a")).unwrap();
        g.body(100).unwrap();
        g.page(0, Some("b")).unwrap();
        assert_eq!(
            g.check_declared(Some(51)),
            Err(ReadLimitError::TooManyBytes { limit: 250 })
        );
        assert_eq!(g.body(51), Err(ReadLimitError::TooManyBytes { limit: 250 }));
        assert_eq!(
            g.check_arriving(51),
            Err(ReadLimitError::TooManyBytes { limit: 250 })
        );
        assert_eq!(
            ReadLimitError::PageTooLarge {
                bytes: 80_500_000,
                limit: MAX_PAGE_BYTES
            }
            .to_string(),
            "one page of the answer is 80 MB, more than the 64 MB a page may have"
        );
        assert_eq!(
            ReadLimitError::TooManyBytes {
                limit: MAX_READ_BYTES
            }
            .to_string(),
            "the answer is larger than 1,000 MB, the most one read downloads"
        );
    }

    #[test]
    fn timeout_message() {
        assert_eq!(
            ReadLimitError::TimedOut { seconds: 30 }.to_string(),
            "the queue API did not answer within 30 seconds (request_timeout_seconds)"
        );
    }

    /// A shorter range is advised only where it asks for less: a jobs
    /// read. The queue list and a usage answer get what helps them.
    #[test]
    fn the_remedy_depends_on_what_was_asked() {
        use Asked::*;
        let timeout = ReadLimitError::TimedOut { seconds: 30 };
        let page = ReadLimitError::PageTooLarge {
            bytes: 80_500_000,
            limit: MAX_PAGE_BYTES,
        };
        let grew = ReadLimitError::PageGrewTooLarge {
            limit: MAX_PAGE_BYTES,
        };
        let looping = ReadLimitError::PagingLoops {
            cursor: "\"c\"".into(),
            pages: 2,
        };
        let cases = [
            (&timeout, Jobs, "retry, or choose a shorter range"),
            (&timeout, Queues, "retry"),
            (&timeout, Usage, "retry"),
            (
                &page,
                Jobs,
                "choose a shorter range, or ask the backend's owners for smaller pages",
            ),
            (
                &grew,
                Jobs,
                "choose a shorter range, or ask the backend's owners for smaller pages",
            ),
            (
                &page,
                Queues,
                "ask the backend's owners to check its queue list",
            ),
            (
                &grew,
                Queues,
                "ask the backend's owners to check its queue list",
            ),
            (
                &page,
                Usage,
                "select fewer runs on Job runs, or ask the backend's owners for smaller answers",
            ),
            (
                &grew,
                Usage,
                "select fewer runs on Job runs, or ask the backend's owners for smaller answers",
            ),
            (
                &ReadLimitError::TooManyPages { limit: 1 },
                Jobs,
                "choose a shorter range",
            ),
            (
                &ReadLimitError::TooManyJobs { limit: 1 },
                Jobs,
                "choose a shorter range",
            ),
            (
                &ReadLimitError::TooManyBytes { limit: 1 },
                Jobs,
                "choose a shorter range",
            ),
            (&looping, Jobs, "its owners need to fix its paging"),
        ];
        for (e, asked, words) in cases {
            assert_eq!(e.remedy(asked).to_string(), words, "{e:?} of {asked:?}");
        }
    }

    #[test]
    fn refresh_is_clamped_with_a_notice() {
        assert_eq!(clamp_refresh(None), (None, None));
        assert_eq!(clamp_refresh(Some(0.0)), (None, None));
        assert_eq!(clamp_refresh(Some(60.0)), (Some(60), None));
        assert_eq!(clamp_refresh(Some(10.0)), (Some(10), None));
        assert_eq!(clamp_refresh(Some(86_400.0)), (Some(86_400), None));
        let (s, n) = clamp_refresh(Some(3.0));
        assert_eq!(s, Some(10));
        assert_eq!(
            n.unwrap(),
            "refresh_seconds is 3 in config.json, outside 10 to 86,400: the data refreshes every 10 seconds"
        );
        // Past what the browser's timer (and leptos' helper) can take.
        let (s, n) = clamp_refresh(Some(2_147_484.0));
        assert_eq!(s, Some(86_400));
        assert!(n.unwrap().to_string().contains("every 86,400 seconds"));
        assert_eq!(clamp_refresh(Some(1e300)).0, Some(86_400));
        assert_eq!(clamp_refresh(Some(-5.0)).0, Some(10));
        assert_eq!(clamp_refresh(Some(30.5)), (Some(31), None));
    }

    #[test]
    fn request_timeout() {
        assert_eq!(check_request_timeout(None), (30, None));
        assert_eq!(check_request_timeout(Some(1.0)), (1, None));
        assert_eq!(check_request_timeout(Some(600.0)), (600, None));
        assert_eq!(check_request_timeout(Some(0.5)), (1, None));
        for bad in [0.0, -1.0, 600.5, 601.0, 1e300] {
            let (s, n) = check_request_timeout(Some(bad));
            assert_eq!(s, 30);
            assert!(n.unwrap().to_string().contains("outside 1 to 600"), "{bad}");
        }
    }
}
