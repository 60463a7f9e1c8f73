//! Runtime configuration (SPEC §4): the same build runs anywhere; at start
//! the app reads `config.json` beside `index.html`, or takes the config a
//! host page hands over when it embeds the app.

use queuescope_core::limits::{self, ConfigNotice};
pub use queuescope_core::template::encode_component;
use queuescope_core::template::fill;
use queuescope_core::theme::Theme;
use queuescope_core::view::Lang;
use serde::Deserialize;
use serde_json::Value;

/// A link every user of this deployment sees (marked, not deletable).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DefaultLink {
    /// Shown text.
    pub label: String,
    /// Target (http or https; others are dropped when the config loads).
    pub url: String,
}

/// How `fetch` sends cookies: SPEC §4 `credentials`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// Never send cookies.
    Omit,
    /// Only to the page's own origin (the browser default).
    #[default]
    SameOrigin,
    /// Also to another origin (the backend must allow credentials in CORS).
    Include,
}

/// The runtime configuration. No field is required.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Base URL of the REST API; absent means built-in demo data.
    pub api_base: Option<String>,
    /// Page title.
    pub title: Option<String>,
    /// Cookie policy for API requests.
    pub credentials: Credentials,
    /// Link template for run ids: `{entity}`, `{project}`, `{run_id}` are filled in.
    pub run_url: Option<String>,
    /// Reload the data every this many seconds (absent or 0: never), within
    /// [`limits::REFRESH_SECONDS`] (clamped when the config loads).
    #[serde(skip)]
    pub refresh_seconds: Option<u32>,
    /// Seconds a request may take, within [`limits::REQUEST_TIMEOUT_SECONDS`]
    /// (checked when the config loads); `None` is the default of 30.
    #[serde(skip)]
    pub request_timeout_seconds: Option<u32>,
    /// The theme (SPEC §4); the user's choice in the app wins over it.
    #[serde(skip)]
    pub theme: Theme,
    /// Links every user sees.
    pub default_links: Vec<DefaultLink>,
    /// The page language (SPEC §4 `lang`); `None` = `auto`, the browser's.
    #[serde(skip)]
    pub lang: Option<Lang>,
    /// A bearer token, only ever handed over at runtime by a host page
    /// (never put secrets in `config.json`).
    #[serde(skip)]
    pub bearer_token: Option<String>,
    /// Number of demo jobs to generate (demo mode only; for trying larger sizes).
    pub demo_jobs: Option<usize>,
    /// What the app changed while loading the config (a clamped
    /// `refresh_seconds`, say), for the user.
    #[serde(skip)]
    pub notices: Vec<ConfigNotice>,
}

/// The config's `theme`: absent is `auto`; a value that is none of
/// `auto`, `light`, `dark` is `auto` with a notice (a typo must not stop
/// the page).
fn theme(v: Option<Value>) -> (Theme, Option<ConfigNotice>) {
    match v {
        None | Some(Value::Null) => (Theme::Auto, None),
        Some(v) => match v.as_str().and_then(Theme::parse) {
            Some(t) => (t, None),
            None => (Theme::Auto, Some(ConfigNotice::Theme(v.to_string()))),
        },
    }
}

/// Why the config could not be used; the failure page words it in the
/// page's language (`i18n`), raw reader text kept as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// config.json (or the host's config) is not JSON of the right shape;
    /// the JSON reader's reason.
    Invalid(String),
    /// Valid JSON, but not an object.
    NotObject,
    /// A seconds field holds something other than a number (as JSON).
    NotSeconds {
        /// The field.
        field: String,
        /// What it holds.
        value: String,
    },
    /// The request or its body failed; the browser's reason.
    Unreadable(String),
    /// config.json answered this HTTP status.
    Http(u16),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Invalid(e) => write!(f, "config.json is not valid: {e}"),
            ConfigError::NotObject => f.write_str(
                "config.json is not valid: it must be a JSON object, {\"api_base\": ...}",
            ),
            ConfigError::NotSeconds { field, value } => write!(
                f,
                "config.json is not valid: {field} must be a number of seconds, not {value}"
            ),
            ConfigError::Unreadable(e) => write!(f, "could not read config.json: {e}"),
            ConfigError::Http(s) => write!(f, "config.json answered HTTP {s}"),
        }
    }
}

/// The title shown when the config names none.
pub const DEFAULT_TITLE: &str = "Queuescope";

impl Config {
    /// Parses `config.json`: a JSON object (serde would also read a struct
    /// from an array, by position). An empty `api_base` counts as absent.
    pub fn from_json(body: &str) -> Result<Config, ConfigError> {
        let invalid = |e: serde_json::Error| ConfigError::Invalid(e.to_string());
        let mut value: Value = serde_json::from_str(body).map_err(invalid)?;
        let Some(fields) = value.as_object_mut() else {
            return Err(ConfigError::NotObject);
        };
        // The numbers with limits are read here, so that a value outside
        // them is clamped (SPEC §4) rather than a config error.
        let refresh = seconds(fields.remove("refresh_seconds"), "refresh_seconds")?;
        let timeout = seconds(
            fields.remove("request_timeout_seconds"),
            "request_timeout_seconds",
        )?;
        let (theme, n0) = theme(fields.remove("theme"));
        let lang = fields.remove("lang");
        let mut c = Config::deserialize(value).map_err(invalid)?;
        c.theme = theme;
        c.notices.extend(n0);
        match lang.as_ref().map(|v| (v.as_str(), v)) {
            None | Some((Some("auto"), _)) => {}
            Some((Some(s), _)) if Lang::parse(s).is_some() => c.lang = Lang::parse(s),
            Some((_, v)) => c.notices.push(ConfigNotice::Lang(v.to_string())),
        }
        let (refresh, n1) = limits::clamp_refresh(refresh);
        let (timeout, n2) = limits::check_request_timeout(timeout);
        c.refresh_seconds = refresh;
        c.request_timeout_seconds = Some(timeout);
        c.notices.extend([n1, n2].into_iter().flatten());
        if c.api_base.as_deref().is_some_and(|s| s.trim().is_empty()) {
            c.api_base = None;
        }
        c.api_base = c.api_base.map(|s| s.trim_end_matches('/').to_string());
        c.default_links.retain(|l| {
            let u = l.url.trim_start().to_ascii_lowercase();
            u.starts_with("https://") || u.starts_with("http://")
        });
        Ok(c)
    }

    /// Seconds a request may take before it counts as failed (SPEC §2).
    pub fn request_timeout(&self) -> u32 {
        self.request_timeout_seconds
            .unwrap_or(limits::DEFAULT_REQUEST_TIMEOUT_SECONDS)
    }

    /// True when the app runs on built-in demo data.
    pub fn is_demo(&self) -> bool {
        self.api_base.is_none()
    }

    /// The title to show.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(DEFAULT_TITLE)
    }

    /// The link for a run, from `run_url`, or `None` when not configured or
    /// when a placeholder it needs is missing. Values are URL-encoded.
    pub fn run_link(
        &self,
        entity: Option<&str>,
        project: Option<&str>,
        run_id: &str,
    ) -> Option<String> {
        let values = [
            ("{entity}", entity),
            ("{project}", project),
            ("{run_id}", Some(run_id)),
        ];
        fill(self.run_url.as_deref()?, &values)
    }
}

/// A number of seconds from the config: absent or `null` is `None`; any
/// other non-number is an error naming the field.
fn seconds(v: Option<Value>, field: &str) -> Result<Option<f64>, ConfigError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(ConfigError::NotSeconds {
            field: field.to_string(),
            value: other.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_demo() {
        let c = Config::from_json("{}").unwrap();
        assert!(c.is_demo());
        assert_eq!(c.title(), "Queuescope");
        assert_eq!(c.credentials, Credentials::SameOrigin);
    }

    #[test]
    fn full_config() {
        let c = Config::from_json(
            r#"{"api_base": "https://portal.example.com/api/v1/", "title": "GPU queues",
                "credentials": "include", "run_url": "https://wandb.ai/{entity}/{project}/runs/{run_id}",
                "refresh_seconds": 60,
                "default_links": [{"label": "Datadog", "url": "https://app.datadoghq.com/x"},
                                  {"label": "bad", "url": "javascript:alert(1)"}]}"#,
        )
        .unwrap();
        assert_eq!(
            c.api_base.as_deref(),
            Some("https://portal.example.com/api/v1")
        );
        assert_eq!(c.credentials, Credentials::Include);
        assert_eq!(c.default_links.len(), 1, "non-http links are dropped");
        assert_eq!(
            c.run_link(Some("ml team"), Some("vision"), "8f2k1x")
                .as_deref(),
            Some("https://wandb.ai/ml%20team/vision/runs/8f2k1x")
        );
        assert_eq!(c.run_link(None, Some("vision"), "8f2k1x"), None);
        assert!(!c.is_demo());
    }

    /// SPEC §4: refresh_seconds outside 10 to 86,400 is clamped, and the
    /// app says so (past 2,147,483 it used to reach a panic in leptos'
    /// interval helper); request_timeout_seconds outside 1 to 600 is the
    /// default, with a notice.
    #[test]
    fn limits_are_clamped_with_notices() {
        let c = Config::from_json(r#"{"refresh_seconds": 3000000}"#).unwrap();
        assert_eq!(c.refresh_seconds, Some(86_400));
        assert_eq!(
            c.notices,
            ["refresh_seconds is 3000000 in config.json, outside 10 to 86,400: the data refreshes every 86,400 seconds"]
        );
        let c = Config::from_json(r#"{"refresh_seconds": 1}"#).unwrap();
        assert_eq!(c.refresh_seconds, Some(10));
        assert_eq!(c.notices.len(), 1);
        let c =
            Config::from_json(r#"{"refresh_seconds": 60, "request_timeout_seconds": 5}"#).unwrap();
        assert_eq!((c.refresh_seconds, c.request_timeout()), (Some(60), 5));
        assert!(c.notices.is_empty());
        for off in [
            r#"{"refresh_seconds": 0}"#,
            r#"{"refresh_seconds": null}"#,
            "{}",
        ] {
            let c = Config::from_json(off).unwrap();
            assert_eq!(c.refresh_seconds, None, "{off}");
            assert_eq!(c.request_timeout(), 30);
        }
        let c = Config::from_json(r#"{"request_timeout_seconds": 3600}"#).unwrap();
        assert_eq!(c.request_timeout(), 30);
        assert_eq!(
            c.notices,
            ["request_timeout_seconds is 3600 in config.json, outside 1 to 600: requests time out after 30 seconds"]
        );
        assert_eq!(Config::default().request_timeout(), 30);
        let e = Config::from_json(r#"{"request_timeout_seconds": "30"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("request_timeout_seconds must be a number"),
            "{e}"
        );
    }

    #[test]
    fn theme_is_read_and_a_bad_one_is_auto_with_a_notice() {
        assert_eq!(Config::from_json("{}").unwrap().theme, Theme::Auto);
        assert_eq!(
            Config::from_json(r#"{"theme": "dark"}"#).unwrap().theme,
            Theme::Dark
        );
        let c = Config::from_json(r#"{"theme": "sepia"}"#).unwrap();
        assert_eq!(c.theme, Theme::Auto);
        assert!(c.notices[0]
            .to_string()
            .contains("\"sepia\" is not auto, light or dark"));
    }

    #[test]
    fn bad_config_is_an_error_not_a_panic() {
        assert!(Config::from_json("{").is_err());
        assert!(Config::from_json(r#"{"refresh_seconds": "soon"}"#).is_err());
    }

    /// Found by fuzzing: serde reads a struct from a JSON array too, by
    /// position, so `["https://x"]` was a config with that `api_base`.
    #[test]
    fn only_an_object_is_a_config() {
        for body in [r#"["https://x"]"#, "[]", "null", "7", r#""{}""#] {
            let e = Config::from_json(body).unwrap_err().to_string();
            assert!(e.contains("must be a JSON object"), "{body}: {e}");
        }
    }
}
