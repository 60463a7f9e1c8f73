//! The Korean words of what `core` and the loader report as types: load
//! errors, read limits, skipped records, the clock skew, folded states,
//! ignored URL parameters, cache notices (issue #15).
//!
//! The English words are the types' `Display` forms (core's and
//! `api.rs`'s), which the core tests and the English e2e tests read; the
//! catalogue's English entries call them. Raw backend text (URLs, error
//! messages, cursors, names) is inserted as a value, never translated.

use crate::format::count;
use crate::load_error::{detail, shown, LoadError};
use crate::notice::{CacheTrouble, Notice};
use queuescope_core::analysis::skew::SkewSpan;
use queuescope_core::analysis::{ClockSkew, StateFold, CLOCK_TOLERANCE, OTHER_STATES_NAME};
use queuescope_core::limits::{
    ConfigNotice, ReadLimitError, Remedy, DEFAULT_REQUEST_TIMEOUT_SECONDS, REFRESH_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
};
use queuescope_core::parse::{ParseError, RecordKind, SkipExample, SkipReport};
use queuescope_core::view::{Ignored, QueryNotice};

/// What a [`SkipReport`] counted: the noun of its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// Job records of `GET /queues/{id}/jobs`.
    Jobs,
    /// Queue records of `GET /queues`.
    Queues,
    /// Usage series of `GET /queues/{id}/metrics`.
    UsageSeries,
}

/// English: the report's own summary with the record's noun.
pub fn skipped_en(what: Records, r: &SkipReport) -> Option<String> {
    match what {
        Records::Jobs => r.summary("job"),
        Records::Queues => r.summary("queue"),
        Records::UsageSeries => r.summary_as("usage series", "usage series"),
    }
}

/// The reasons core gives for a skipped record, in Korean; a reason from
/// the JSON reader (`missing field `job``) stays as it is.
fn reason_ko(reason: &str) -> &str {
    match reason {
        "duplicate id" => "중복된 ID",
        "empty id" => "빈 ID",
        "no transitions" => "상태 전이 없음",
        "transitions out of order" => "상태 전이 순서가 맞지 않음",
        "too much data" => "데이터가 너무 많음",
        "t and v of different lengths" => "t와 v의 길이가 다름",
        "t not ascending" => "t가 오름차순이 아님",
        "a value that is not a number" => "숫자가 아닌 값",
        "a value outside 0 to 100" => "0~100 밖의 값",
        other => other,
    }
}

/// Korean: `작업 3개 건너뜀: 중복된 ID 2건, ...`.
pub fn skipped_ko(what: Records, r: &SkipReport) -> Option<String> {
    if r.is_empty() {
        return None;
    }
    let noun = match what {
        Records::Jobs => "작업",
        Records::Queues => "큐",
        Records::UsageSeries => "사용량 시계열",
    };
    let parts: Vec<String> = r
        .reasons
        .iter()
        .map(|(reason, n)| format!("{} {}건", reason_ko(reason), count(*n)))
        .collect();
    Some(format!(
        "{noun} {}개 건너뜀: {}",
        count(r.total()),
        parts.join(", ")
    ))
}

/// One skipped record in Korean: `작업 "j1": 중복된 ID`.
pub fn skip_example_ko(e: &SkipExample) -> String {
    let reason = reason_ko(&e.reason);
    match (e.kind, &e.id) {
        (RecordKind::Job, Some(id)) => format!("작업 {id:?}: {reason}"),
        (RecordKind::Job, None) => format!("ID 없는 작업: {reason}"),
        (RecordKind::Queue, Some(id)) => format!("큐 {id:?}: {reason}"),
        (RecordKind::Queue, None) => format!("큐: {reason}"),
        (RecordKind::Series, Some(id)) => format!("실행 {id:?}의 시계열: {reason}"),
        (RecordKind::Series, None) => format!("시계열: {reason}"),
    }
}

/// `2일 3시간`, `45분`: the two largest units (as core's English `2 d 3 h`).
fn span_ko(ms: u64) -> String {
    match SkewSpan::of(ms) {
        SkewSpan::Minutes(m) => format!("{m}분"),
        SkewSpan::HoursMinutes(h, m) => format!("{h}시간 {m}분"),
        SkewSpan::DaysHours(d, h) => format!("{d}일 {h}시간"),
    }
}

/// The clock-skew notice in Korean.
pub fn clock_skew_ko(s: &ClockSkew) -> String {
    let mut out = Vec::new();
    if s.ahead.saturating_abs() > CLOCK_TOLERANCE {
        let way = if s.ahead > 0 {
            "빠릅니다"
        } else {
            "느립니다"
        };
        out.push(format!(
            "백엔드의 시계가 이 브라우저보다 {} {way}. 실행 중인 작업은 백엔드의 “현재”까지 그립니다.",
            span_ko(s.ahead.unsigned_abs())
        ));
    }
    if s.jobs_after_now > 0 {
        out.push(format!(
            "작업 {}개에 백엔드의 “현재”(generated_at) 이후의 상태 전이가 있어, 마지막 상태가 그 시각에 끝납니다.",
            count(s.jobs_after_now)
        ));
    }
    out.join(" ")
}

/// The folded-states notice in Korean.
pub fn state_fold_ko(f: &StateFold) -> String {
    format!(
        "알 수 없는 상태 {}개(상태 전이 {}개)를 “{OTHER_STATES_NAME}”로 묶어 보여 줍니다",
        count(f.states),
        count(f.transitions)
    )
}

/// `64 MB` (decimal megabytes, rounded down), as core's English.
fn megabytes(bytes: u64) -> String {
    let mb = usize::try_from(bytes / 1_000_000).unwrap_or(usize::MAX);
    format!("{} MB", count(mb))
}

/// A read limit in Korean.
pub fn read_limit_ko(e: &ReadLimitError) -> String {
    match e {
        ReadLimitError::PagingLoops { cursor, pages } => format!(
            "백엔드의 페이지 넘김이 되풀이됩니다: 커서 {cursor}를 ({}페이지 뒤에) 다시 보내서 더 요청하지 않았습니다",
            count(*pages)
        ),
        ReadLimitError::TooManyPages { limit } => format!(
            "응답이 {}페이지를 넘습니다. 한 번의 읽기는 그 이상 따라가지 않습니다",
            count(*limit)
        ),
        ReadLimitError::TooManyJobs { limit } => format!(
            "이 기간의 작업이 {}개를 넘습니다. 한 번의 읽기는 그 이상 담지 않습니다",
            count(*limit)
        ),
        ReadLimitError::PageTooLarge { bytes, limit } => format!(
            "응답의 한 페이지가 {}로, 페이지 한도 {}보다 큽니다",
            megabytes(*bytes),
            megabytes(*limit)
        ),
        ReadLimitError::PageGrewTooLarge { limit } => format!(
            "응답의 한 페이지가 내려받는 중에 페이지 한도 {}를 넘어서 내려받기를 멈췄습니다",
            megabytes(*limit)
        ),
        ReadLimitError::TooManyBytes { limit } => format!(
            "응답이 {}보다 큽니다. 한 번의 읽기는 그 이상 내려받지 않습니다",
            megabytes(*limit)
        ),
        ReadLimitError::TimedOut { seconds } => format!(
            "큐 API가 {seconds}초 안에 응답하지 않았습니다(request_timeout_seconds)"
        ),
    }
}

/// What helps after a limit, in Korean.
fn remedy_ko(r: Remedy) -> &'static str {
    match r {
        Remedy::ShorterRange => "더 짧은 기간을 고르세요",
        Remedy::ShorterRangeOrSmallerPages => {
            "더 짧은 기간을 고르거나 백엔드 담당자에게 더 작은 페이지를 요청하세요"
        }
        Remedy::RetryOrShorterRange => "다시 시도하거나 더 짧은 기간을 고르세요",
        Remedy::Retry => "다시 시도하세요",
        Remedy::FewerRuns => {
            "작업 실행에서 더 적은 실행을 선택하거나 백엔드 담당자에게 더 작은 응답을 요청하세요"
        }
        Remedy::CheckQueueList => "백엔드 담당자에게 큐 목록을 확인해 달라고 요청하세요",
        Remedy::FixPaging => "백엔드 담당자가 페이지 넘김을 고쳐야 합니다",
    }
}

/// A body that could not be used, in Korean (the reader's detail as is).
fn parse_ko(e: &ParseError) -> String {
    match e {
        ParseError::NotJson(d) => format!("서버의 응답이 JSON이 아닙니다({d})"),
        ParseError::Shape(d) => format!("서버의 응답이 API와 맞지 않습니다({d})"),
    }
}

/// A failed load in Korean.
pub fn load_error_ko(e: &LoadError) -> String {
    match e {
        LoadError::Network { url, detail } => {
            format!("{}의 큐 API에 연결할 수 없습니다: {detail}", shown(url))
        }
        LoadError::SignIn { url, message } => format!(
            "큐 API가 로그인을 요구합니다({}: 401{}). 큐 API를 제공하는 사이트에 로그인하거나, 이 대시보드가 포털에 들어 있다면 포털 페이지를 새로 고쳐 새 토큰을 받은 뒤 다시 시도를 누르세요",
            shown(url),
            detail(message)
        ),
        LoadError::NoAccess { url, message } => format!(
            "이 큐의 데이터를 볼 권한이 없습니다({}: 403{}). 큐 담당자에게 권한을 요청하거나, 포털이라면 포털이 이 큐를 읽을 수 있는 토큰을 넘기는지 확인한 뒤 다시 시도를 누르세요",
            shown(url),
            detail(message)
        ),
        LoadError::Http { url, status, message } => format!(
            "큐 API가 {}에 {status}(으)로 응답했습니다{}",
            shown(url),
            detail(message)
        ),
        LoadError::Parse { url, source } => format!("{} ({})", parse_ko(source), shown(url)),
        LoadError::Cancelled { queue, pages, jobs } => format!(
            "{queue} 읽기를 {}페이지(작업 {}개)에서 취소했습니다. 다시 불러오려면 다시 시도를 누르세요",
            count(*pages),
            count(*jobs)
        ),
        LoadError::Limit { url, asked, source } => format!(
            "{}. {} ({})",
            read_limit_ko(source),
            remedy_ko(source.remedy(*asked)),
            shown(url)
        ),
    }
}

/// Why a URL parameter was ignored, in Korean.
fn ignored_ko(why: Ignored) -> String {
    match why {
        Ignored::Repeated => "두 번 이상 주어져 처음 것을 씁니다".into(),
        Ignored::NotRange => "30m, 24h, 7d 같은 기간이 아닙니다".into(),
        Ignored::NotWidth => "5m, 1h, 1d 같은 폭이 아닙니다".into(),
        Ignored::NotTime => "2026-11-21T08:00:00Z 같은 시각이 아닙니다".into(),
        Ignored::NotTz => "utc 또는 local을 쓰세요".into(),
        Ignored::NotGroup => format!(
            "{}, label:KEY, custom:NAME 중 하나를 쓰세요",
            queuescope_core::field::Field::wire_list()
        ),
        Ignored::NotLabel => "KEY:VALUE 꼴이 아닙니다".into(),
        Ignored::NotLang => "en 또는 ko를 쓰세요".into(),
        Ignored::Unknown => "알 수 없는 매개변수입니다".into(),
        Ignored::FromAfterTo => "from이 to보다 앞서야 합니다".into(),
        Ignored::RangeWithBounds => "from과 to가 주어졌습니다".into(),
        Ignored::ToMissing => "to가 없습니다".into(),
        Ignored::FromMissing => "from이 없습니다".into(),
        Ignored::NoSuchGrouping => format!(
            "그런 이름의 사용자 정의 묶음이 없어 {}(으)로 묶습니다",
            queuescope_core::view::GroupKey::default()
        ),
        Ignored::NoSuchQueue => "그런 큐가 없어 첫 번째 큐를 보여 줍니다".into(),
    }
}

/// An ignored URL parameter in Korean: `bucket=7x 무시: ...`.
pub fn query_ko(n: &QueryNotice) -> String {
    format!("{} 무시됨: {}", n.param, ignored_ko(n.why))
}

/// What reading config.json changed, in Korean.
fn config_ko(c: &ConfigNotice) -> String {
    match c {
        ConfigNotice::Refresh { given, used } => format!(
            "config.json의 refresh_seconds {given}이(가) {}~{} 범위 밖입니다: 데이터를 {}초마다 새로 고칩니다",
            REFRESH_SECONDS.start(),
            count(*REFRESH_SECONDS.end() as usize),
            count(*used as usize)
        ),
        ConfigNotice::Timeout { given } => format!(
            "config.json의 request_timeout_seconds {given}이(가) {}~{} 범위 밖입니다: 요청은 {DEFAULT_REQUEST_TIMEOUT_SECONDS}초 후 시간 초과됩니다",
            REQUEST_TIMEOUT_SECONDS.start(),
            REQUEST_TIMEOUT_SECONDS.end()
        ),
        ConfigNotice::Theme(v) => {
            format!("config.json: theme {v}은(는) auto, light, dark가 아니므로 시스템 설정을 따릅니다")
        }
        ConfigNotice::Lang(v) => {
            format!("config.json: lang {v}은(는) auto, en, ko가 아니므로 브라우저의 언어를 씁니다")
        }
    }
}

/// A one-off notice in English.
pub fn notice_en(n: &Notice) -> String {
    match n {
        Notice::Query(q) => q.to_string(),
        Notice::Config(c) => c.to_string(),
        Notice::CacheEmpty => super::EN.cache_empty.into(),
        Notice::CacheCleared { queues, bytes } => format!(
            "Cache cleared: {} ({}).",
            crate::format::counted(*queues, "queue"),
            crate::format::bytes(*bytes)
        ),
        Notice::CacheClearFailed(e) => format!("The cache could not be cleared: {e}"),
        Notice::CacheDropped { queue, why } => format!(
            "The cached data of queue “{queue}” {why}; it was dropped and is read again from the backend."
        ),
        Notice::Stored(n) => n.to_string(),
        Notice::ThemeNotSaved(e) => format!("theme {e}"),
    }
}

/// A one-off notice in Korean.
pub fn notice_ko(n: &Notice) -> String {
    match n {
        Notice::Query(q) => query_ko(q),
        Notice::Config(c) => config_ko(c),
        Notice::CacheEmpty => super::KO.cache_empty.into(),
        Notice::CacheCleared { queues, bytes } => format!(
            "캐시를 지웠습니다: 큐 {}개({}).",
            count(*queues),
            crate::format::bytes(*bytes)
        ),
        Notice::CacheClearFailed(e) => format!("캐시를 지우지 못했습니다: {e}"),
        Notice::CacheDropped { queue, why } => match why {
            CacheTrouble::OtherVersion => format!(
                "큐 “{queue}”의 캐시 데이터는 다른 버전의 Queuescope가 저장한 것이라 지우고 백엔드에서 다시 읽습니다."
            ),
            CacheTrouble::Unreadable(d) => format!(
                "큐 “{queue}”의 캐시 데이터를 읽을 수 없어({d}) 지우고 백엔드에서 다시 읽습니다."
            ),
        },
        Notice::Stored(n) => super::prefs::load_notice_ko(n),
        Notice::ThemeNotSaved(e) => super::prefs::theme_not_saved_ko(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::limits::Asked;
    use queuescope_core::model::DAY;

    #[test]
    fn load_errors_in_korean_keep_the_figures_and_the_url() {
        let url = "http://127.0.0.1:9/api/v1/queues/q/jobs".to_string();
        let timeout = LoadError::Limit {
            url: url.clone(),
            asked: Asked::Jobs,
            source: ReadLimitError::TimedOut { seconds: 2 },
        };
        assert_eq!(
            load_error_ko(&timeout),
            format!("큐 API가 2초 안에 응답하지 않았습니다(request_timeout_seconds). 다시 시도하거나 더 짧은 기간을 고르세요 ({url})")
        );
        // The queue list has no range to shorten.
        let queues = "http://127.0.0.1:9/api/v1/queues".to_string();
        let slow_list = LoadError::Limit {
            url: queues.clone(),
            asked: Asked::Queues,
            source: ReadLimitError::TimedOut { seconds: 2 },
        };
        assert_eq!(
            load_error_ko(&slow_list),
            format!("큐 API가 2초 안에 응답하지 않았습니다(request_timeout_seconds). 다시 시도하세요 ({queues})")
        );
        assert_eq!(
            slow_list.to_string(),
            format!("the queue API did not answer within 2 seconds (request_timeout_seconds); retry (at {queues})")
        );
        let http = LoadError::Http {
            url: url.clone(),
            status: 503,
            message: Some("down".into()),
        };
        assert_eq!(
            load_error_ko(&http),
            format!("큐 API가 {url}에 503(으)로 응답했습니다: down")
        );
        assert_eq!(
            http.to_string(),
            format!("the queue API answered 503 for {url}: down"),
            "English is the Display"
        );
    }

    #[test]
    fn skips_skew_and_url_notices_in_korean() {
        let mut r = SkipReport::default();
        for id in ["a", "b"] {
            r.add(
                "duplicate id",
                SkipExample::new(RecordKind::Job, Some(id.into()), "duplicate id"),
            );
        }
        r.add(
            "missing field `job`",
            SkipExample::new(RecordKind::Job, None, "missing field `job`"),
        );
        assert_eq!(
            skipped_ko(Records::Jobs, &r).as_deref(),
            Some("작업 3개 건너뜀: 중복된 ID 2건, missing field `job` 1건")
        );
        assert_eq!(skip_example_ko(&r.examples[0]), "작업 \"a\": 중복된 ID");
        let skew = ClockSkew {
            ahead: -2 * DAY,
            jobs_after_now: 4,
        };
        assert_eq!(
            clock_skew_ko(&skew),
            "백엔드의 시계가 이 브라우저보다 2일 0시간 느립니다. 실행 중인 작업은 백엔드의 “현재”까지 그립니다. \
             작업 4개에 백엔드의 “현재”(generated_at) 이후의 상태 전이가 있어, 마지막 상태가 그 시각에 끝납니다."
        );
        let (_, notices) = queuescope_core::view::parse_query("bucket=7x&foo=bar");
        let ko: Vec<String> = notices.iter().map(query_ko).collect();
        assert_eq!(
            ko,
            [
                "bucket=7x 무시됨: 5m, 1h, 1d 같은 폭이 아닙니다",
                "foo=bar 무시됨: 알 수 없는 매개변수입니다"
            ]
        );
    }
}
