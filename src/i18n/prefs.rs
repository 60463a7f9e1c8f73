//! The Korean words of what the preference editors, local storage and the
//! config report as types (issue #15): link, name and grouping errors,
//! refused imports, stores repaired or reset on load, writes local storage
//! refused, and a config that could not be read.
//!
//! The English words are the types' `Display` forms (core's
//! `prefs::problem`, `notice.rs`, `config.rs`). Raw text (names, labels,
//! queue ids, patterns, the JSON and regex readers' reasons, the browser's
//! words) is inserted as a value, never translated.

use super::notices::query_ko;
use crate::config::ConfigError;
use crate::format::count;
use crate::notice::{PrefsError, SaveError, StorageError};
use queuescope_core::analysis::RuleField;
use queuescope_core::prefs::{
    summary, GroupingError, ImportError, LinkError, LoadNotice, LoadTrouble, NameError, Problem,
    RuleProblem, Store, MAX_IMPORT_BYTES, MAX_LABEL_CHARS, MAX_LINKS_PER_QUEUE, MAX_NAME_CHARS,
};

/// A store's name in Korean.
fn store_ko(s: Store) -> &'static str {
    match s {
        Store::Links => "저장한 링크",
        Store::Views => "저장한 보기",
        Store::Groupings => "사용자 정의 묶음",
        Store::Appearance => "화면 설정",
    }
}

/// `word` with the particle its last syllable takes: `batchim` after a
/// closing consonant (`설정은`), else `open` (`보기는`).
fn with_particle(word: &str, batchim: &str, open: &str) -> String {
    let closed = word
        .chars()
        .last()
        .map(u32::from)
        .is_some_and(|c| (0xAC00..=0xD7A3).contains(&c) && (c - 0xAC00) % 28 != 0);
    format!("{word}{}", if closed { batchim } else { open })
}

/// `(외 2건)`: the rest of a list after its first item.
fn and_more_ko(n: usize) -> String {
    format!("(외 {}건)", count(n))
}

/// A link that cannot be added or changed, in Korean.
pub fn link_ko(e: LinkError) -> String {
    match e {
        LinkError::BadScheme => "http://와 https:// 링크만 쓸 수 있습니다".into(),
        LinkError::BadUrl => "완전한 웹 주소가 아닙니다. https://grafana.example.com/d/queue처럼 전체 주소를 쓰세요".into(),
        LinkError::LabelLength => format!("링크 이름은 1~{MAX_LABEL_CHARS}자여야 합니다"),
        LinkError::TooMany => format!(
            "한 큐에는 링크를 {MAX_LINKS_PER_QUEUE}개까지 둘 수 있습니다. 더 추가하려면 먼저 하나를 지우세요"
        ),
        LinkError::NoSuchLink => "그 링크는 이제 없습니다. 목록을 다시 불러오세요".into(),
    }
}

/// A name of a saved view or grouping, in Korean.
pub fn name_ko(e: &NameError) -> String {
    match e {
        NameError::Length => format!("이름은 1~{MAX_NAME_CHARS}자여야 합니다"),
        NameError::Taken(n) => format!(
            "이름 {n:?}은(는) 이미 쓰고 있습니다. 다른 이름을 고르거나 그것을 먼저 지우세요"
        ),
        NameError::NotFound(n) => format!("{n:?}(이)라는 이름으로 저장된 것이 없습니다"),
    }
}

/// A custom grouping that does not validate, in Korean.
pub fn grouping_ko(e: &GroupingError) -> String {
    let what = match &e.problem {
        RuleProblem::Name(n) => name_ko(n),
        RuleProblem::NoRules => "규칙을 하나 이상 추가하세요".into(),
        RuleProblem::UnknownField { rule, field } => format!(
            "규칙 {rule}: 알 수 없는 필드 {field:?}입니다. {} 중 하나를 쓰세요",
            RuleField::names()
        ),
        RuleProblem::NoGroup { rule } => format!("규칙 {rule}: 그룹 이름을 쓰세요"),
        RuleProblem::NothingToMatch { rule } => {
            format!("규칙 {rule}: 맞춰 볼 값이나 패턴을 쓰세요")
        }
        RuleProblem::BadPattern {
            rule,
            pattern,
            detail,
        } => format!("규칙 {rule}: 패턴 {pattern:?}은(는) 올바른 정규식이 아닙니다({detail})"),
    };
    format!("묶음 {:?}: {what}", e.grouping)
}

/// One entry that breaks the rules, in Korean.
fn problem_ko(p: &Problem) -> String {
    match p {
        Problem::Link {
            queue,
            index,
            label,
            error,
        } => format!(
            "큐 {queue:?}의 링크 {index}({label:?}): {}",
            link_ko(*error)
        ),
        Problem::TooManyLinks { queue, count: n } => format!(
            "큐 {queue:?}의 링크가 {}개로 {MAX_LINKS_PER_QUEUE}개보다 많습니다",
            count(*n)
        ),
        Problem::ViewName { index, error } => format!("저장한 보기 {index}: {}", name_ko(error)),
        Problem::ViewQuery { name, notices } => format!(
            "저장한 보기 {name:?}: {}",
            summary(notices, query_ko, and_more_ko)
        ),
        Problem::Grouping(g) => grouping_ko(g),
        Problem::SameName { store, name } => {
            format!(
                "이름이 {name:?}인 {} 둘 있습니다",
                with_particle(store_ko(*store), "이", "가")
            )
        }
    }
}

/// A list of problems in Korean, as one line.
fn problems_ko(p: &[Problem]) -> String {
    summary(p, problem_ko, and_more_ko)
}

/// A store repaired, reset or left to a newer version, in Korean.
pub fn load_notice_ko(n: &LoadNotice) -> String {
    let what = store_ko(n.store);
    match &n.trouble {
        LoadTrouble::Repaired(p) => format!(
            "{what} 중 규칙에 맞지 않는 항목을 지우거나 고쳤습니다: {}",
            problems_ko(p)
        ),
        LoadTrouble::Unreadable => format!(
            "{} 읽을 수 없어 초기화했습니다",
            with_particle(what, "을", "를")
        ),
        LoadTrouble::Newer(v) => format!(
            "{} 더 새로운 버전의 Queuescope가 저장한 것입니다(형식 {v}). 이 버전은 보여 줄 수 없어 그대로 두며, 여기서 바꾼 내용은 저장되지 않습니다",
            with_particle(what, "은", "는")
        ),
    }
}

/// A refused import, in Korean.
pub fn import_ko(e: &ImportError) -> String {
    let why = match e {
        ImportError::TooLarge { bytes } => format!(
            "파일이 {} KB로, Queuescope 내보내기 파일의 한도 {} KB보다 큽니다",
            count(usize::try_from(bytes.div_ceil(1000)).unwrap_or(usize::MAX)),
            count(MAX_IMPORT_BYTES / 1000)
        ),
        ImportError::NotJson(d) => format!("파일이 올바른 JSON이 아닙니다({d})"),
        ImportError::NewerExport(n) => format!(
            "파일이 내보내기 형식 {n}(으)로, 더 새로운 버전의 Queuescope가 만든 것입니다"
        ),
        ImportError::NotExport => {
            "Queuescope 내보내기 파일이 아닙니다(\"queuescope_export\" 표시가 없습니다)".into()
        }
        ImportError::SectionUnreadable(s) => format!(
            "{} 부분이 Queuescope가 아는 형태가 아닙니다",
            s.section()
        ),
        ImportError::SectionNewer { store, version } => format!(
            "{} 부분이 형식 {version}(으)로, 더 새로운 버전의 Queuescope가 만든 것입니다",
            store.section()
        ),
        ImportError::Problems(p) => problems_ko(p),
        ImportError::TooManyLinks { queue, count: n } => format!(
            "큐 {queue:?}의 링크가 {}개가 되어 {MAX_LINKS_PER_QUEUE}개를 넘습니다. 몇 개를 지우거나 ‘바꾸기’로 가져오세요",
            count(*n)
        ),
    };
    format!("아무것도 가져오지 않았습니다: {why}")
}

/// Why local storage refused a write, in Korean (without the lead-in).
fn storage_reason_ko(e: &StorageError) -> String {
    match e {
        StorageError::Unavailable => {
            "이 브라우저가 페이지에 로컬 저장소를 허용하지 않습니다(사생활 보호 모드 또는 사이트 설정)".into()
        }
        StorageError::Full => {
            "로컬 저장소가 가득 찼습니다. 더 이상 필요 없는 저장한 보기나 링크를 지우거나, 브라우저에서 이 사이트의 저장 공간을 비우세요".into()
        }
        StorageError::Refused(Some(d)) => format!("로컬 저장소가 변경을 거부했습니다({d})"),
        StorageError::Refused(None) => "로컬 저장소가 변경을 거부했습니다".into(),
    }
}

/// A theme choice that could not be kept, in Korean.
pub fn theme_not_saved_ko(e: &StorageError) -> String {
    format!("테마를 저장하지 않았습니다: {}", storage_reason_ko(e))
}

/// A change that was not kept, in Korean.
fn save_ko(e: &SaveError) -> String {
    match e {
        SaveError::Storage(s) => format!("저장하지 않았습니다: {}", storage_reason_ko(s)),
        SaveError::Newer(s) => format!(
            "저장하지 않았습니다: 이 브라우저의 {} 더 새로운 버전의 Queuescope가 저장한 것이라 이 버전은 건드리지 않습니다",
            with_particle(store_ko(*s), "은", "는")
        ),
    }
}

/// What a preference editor reports, in Korean.
pub fn prefs_error_ko(e: &PrefsError) -> String {
    match e {
        PrefsError::Link(e) => link_ko(*e),
        PrefsError::Name(e) => name_ko(e),
        PrefsError::Grouping(e) => grouping_ko(e),
        PrefsError::Import(e) => import_ko(e),
        PrefsError::NotSaved(e) => save_ko(e),
        PrefsError::ImportNotSaved(e) => format!("아무것도 가져오지 않았습니다: {}", save_ko(e)),
    }
}

/// Why the config could not be used, in Korean.
pub fn config_error_ko(e: &ConfigError) -> String {
    match e {
        ConfigError::Invalid(d) => format!("config.json이 올바르지 않습니다: {d}"),
        ConfigError::NotObject => {
            "config.json이 올바르지 않습니다: {\"api_base\": ...} 꼴의 JSON 객체여야 합니다".into()
        }
        ConfigError::NotSeconds { field, value } => format!(
            "config.json이 올바르지 않습니다: {field}은(는) 초 단위의 숫자여야 하는데 {value}입니다"
        ),
        ConfigError::Unreadable(d) => format!("config.json을 읽을 수 없습니다: {d}"),
        ConfigError::Http(s) => format!("config.json이 HTTP {s}(으)로 응답했습니다"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::prefs::{import_all, load_views, ImportMode};

    #[test]
    fn prefs_errors_in_korean_keep_the_names_and_figures() {
        let (_, notice) = load_views(Some(r#"{"version": 7, "views": []}"#));
        assert_eq!(
            load_notice_ko(&notice.unwrap()),
            "저장한 보기는 더 새로운 버전의 Queuescope가 저장한 것입니다(형식 7). 이 버전은 보여 줄 수 없어 그대로 두며, 여기서 바꾼 내용은 저장되지 않습니다"
        );
        let e = import_all(
            "{}",
            ImportMode::Merge,
            &Default::default(),
            &Default::default(),
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(
            import_ko(&e),
            "아무것도 가져오지 않았습니다: Queuescope 내보내기 파일이 아닙니다(\"queuescope_export\" 표시가 없습니다)"
        );
        assert_eq!(
            prefs_error_ko(&PrefsError::NotSaved(SaveError::Storage(StorageError::Full))),
            "저장하지 않았습니다: 로컬 저장소가 가득 찼습니다. 더 이상 필요 없는 저장한 보기나 링크를 지우거나, 브라우저에서 이 사이트의 저장 공간을 비우세요"
        );
        assert_eq!(
            config_error_ko(&ConfigError::Http(503)),
            "config.json이 HTTP 503(으)로 응답했습니다"
        );
    }
}
