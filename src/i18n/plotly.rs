//! Plotly's own words in the page's language: the month and day names and
//! the date formats of its time axes' ticks, and the mode bar's tooltips.
//! Plotly speaks English unless a locale is registered (`Plotly.register`)
//! and named in a chart's config (`locale`); the glue registers the page's
//! before a chart is first drawn in it ([`crate::plotly_glue`]).
//!
//! English needs none: Plotly's own is the catalogue's.

use serde::{Serialize, Serializer};

/// A Plotly locale module (`moduleType: "locale"`), as `Plotly.register`
/// takes it. `format` holds only the keys the dashboard's charts use;
/// Plotly takes the others (number separators) from its English.
#[derive(Serialize)]
pub struct PlotlyLocale {
    #[serde(rename = "moduleType")]
    module_type: &'static str,
    /// The locale's name, which a chart's config names.
    pub name: &'static str,
    /// Plotly's English texts (the mode bar's tooltips) and this language's.
    #[serde(serialize_with = "as_map")]
    dictionary: &'static [(&'static str, &'static str)],
    format: Format,
}

/// Names and d3 time formats of a Plotly locale.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Format {
    days: [&'static str; 7],
    short_days: [&'static str; 7],
    months: [&'static str; 12],
    short_months: [&'static str; 12],
    periods: [&'static str; 2],
    date: &'static str,
    /// Ticks a year apart.
    year: &'static str,
    /// Ticks a month apart (the year below the first of each year).
    month: &'static str,
    /// Ticks a day apart (the year on a second line).
    day_month: &'static str,
    /// The date line under ticks of hours and minutes.
    day_month_year: &'static str,
}

fn as_map<S: Serializer>(pairs: &[(&str, &str)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().copied())
}

const KO_MONTHS: [&str; 12] = [
    "1월", "2월", "3월", "4월", "5월", "6월", "7월", "8월", "9월", "10월", "11월", "12월",
];

/// Korean: ticks read "11월 27일" (as the tables' dates do) over "2026", and
/// "06:00" over "2026. 11. 27.".
pub static KO: PlotlyLocale = PlotlyLocale {
    module_type: "locale",
    name: "ko",
    dictionary: &[
        ("Download plot as a PNG", "차트를 PNG로 내려받기"),
        ("Zoom", "영역 확대"),
        ("Pan", "이동"),
        ("Box Select", "상자로 선택"),
        ("Zoom in", "확대"),
        ("Zoom out", "축소"),
        ("Autoscale", "자동 맞춤"),
        ("Reset axes", "축 초기화"),
        (
            "Double-click to zoom back out",
            "두 번 클릭하면 원래대로 돌아갑니다",
        ),
        (
            "Sorry, there was a problem downloading your image!",
            "이미지를 내려받지 못했습니다.",
        ),
    ],
    format: Format {
        days: [
            "일요일",
            "월요일",
            "화요일",
            "수요일",
            "목요일",
            "금요일",
            "토요일",
        ],
        short_days: ["일", "월", "화", "수", "목", "금", "토"],
        months: KO_MONTHS,
        short_months: KO_MONTHS,
        periods: ["오전", "오후"],
        date: "%Y. %-m. %-d.",
        // A tick's second line (the year, the date under hours) in figures
        // alone: the chart's bottom margin holds two lines of digits, and
        // the lower strokes of 년, 월 and 일 were cut off there.
        year: "%Y",
        month: "%Y년 %-m월",
        day_month: "%-m월 %-d일",
        day_month_year: "%Y. %-m. %-d.",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_is_a_plotly_locale_module() {
        let v: serde_json::Value = serde_json::to_value(&KO).unwrap();
        assert_eq!(v["moduleType"], "locale");
        assert_eq!(v["name"], "ko");
        assert_eq!(v["dictionary"]["Reset axes"], "축 초기화");
        assert_eq!(v["format"]["shortMonths"][10], "11월");
        assert_eq!(v["format"]["dayMonth"], "%-m월 %-d일");
        assert_eq!(v["format"]["dayMonthYear"], "%Y. %-m. %-d.");
    }
}
