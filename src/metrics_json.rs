//! The usage metrics answer (SPEC §2 `GET .../metrics`) read fast: the
//! browser's `JSON.parse` into flat columns, checked by core.

use queuescope_core::parse::{self, Series};
use queuescope_core::SkipReport;

/// Reads a metrics answer (SPEC §2). A well-formed one is read by the
/// browser's `JSON.parse` into flat columns ([`metrics_columns`]) and
/// checked by core ([`parse::check_metrics`]): 100 runs × 4 metrics are
/// ~0.6-1 MB of JSON, 25-45 ms in serde in wasm (each series scanned twice,
/// boxed `Option`s), ~4x less so. Anything the columns cannot carry as is
/// (a value that is not a number, a missing field, non-JSON such as `NaN`)
/// sends the whole body to serde ([`parse::parse_metrics`]), whose skip
/// reasons are the contract; so every body is read as strictly as before.
pub fn read_metrics(body: &str) -> Result<(Vec<Series>, SkipReport), parse::ParseError> {
    match metrics_columns(body) {
        Some(raws) => Ok(parse::check_metrics(raws)),
        None => parse::parse_metrics(body),
    }
}

/// `qs_metrics_columns` lives in the usage worker's file, which reads
/// answers with it off the main thread (`api::usage_worker`); the page
/// reads with it the answers it fetches itself.
#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/api/usage-worker.js")]
extern "C" {
    fn qs_metrics_columns(text: &str) -> wasm_bindgen::JsValue;
}

/// The series of a well-formed metrics answer, read by `JSON.parse`
/// (`qs_metrics_columns`), unchecked; `None` sends the body to serde.
fn metrics_columns(body: &str) -> Option<Vec<queuescope_core::contract::RawSeries>> {
    raw_series(&qs_metrics_columns(body))
}

/// Checks the columns the usage worker read from a well-formed answer
/// (what [`read_metrics`] does with the page's own): the same series and
/// skip reasons.
pub fn read_columns(
    cols: &wasm_bindgen::JsValue,
) -> Result<(Vec<Series>, SkipReport), parse::ParseError> {
    raw_series(cols)
        .map(parse::check_metrics)
        .ok_or_else(|| parse::ParseError::Shape("the usage worker's columns".into()))
}

/// The series in `qs_metrics_columns`' columns (`None` for its `null`).
/// `JSON.parse` never yields NaN, so NaN in `v` is a JSON `null`: a gap.
fn raw_series(cols: &wasm_bindgen::JsValue) -> Option<Vec<queuescope_core::contract::RawSeries>> {
    use wasm_bindgen::JsCast;
    if cols.is_null() || cols.is_undefined() {
        return None;
    }
    let field = |k: &str| js_sys::Reflect::get(cols, &wasm_bindgen::JsValue::from_str(k)).ok();
    let strings = |k: &str| -> Option<Vec<String>> {
        js_sys::Array::from(&field(k)?)
            .iter()
            .map(|s| s.as_string())
            .collect()
    };
    let ids = strings("ids")?;
    let metrics = strings("metrics")?;
    let lens = field("lens")?
        .dyn_into::<js_sys::Uint32Array>()
        .ok()?
        .to_vec();
    let ts = field("ts")?
        .dyn_into::<js_sys::Float64Array>()
        .ok()?
        .to_vec();
    let vs = field("vs")?
        .dyn_into::<js_sys::Float64Array>()
        .ok()?
        .to_vec();
    if lens.len() != 2 * ids.len() || metrics.len() != ids.len() {
        return None;
    }
    let (mut ti, mut vi) = (0usize, 0usize);
    let mut out = Vec::with_capacity(ids.len());
    for ((run_id, metric), l) in ids.into_iter().zip(metrics).zip(lens.chunks_exact(2)) {
        let (tl, vl) = (l[0] as usize, l[1] as usize);
        let t = ts.get(ti..ti + tl)?.to_vec();
        let v = vs
            .get(vi..vi + vl)?
            .iter()
            .map(|x| (!x.is_nan()).then_some(*x))
            .collect();
        ti += tl;
        vi += vl;
        out.push(queuescope_core::contract::RawSeries {
            run_id,
            metric,
            t,
            v,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    /// The columns read by `JSON.parse` give what serde gives, series for
    /// series, skip for skip; bodies the columns cannot carry (a string
    /// value, a missing field, `NaN`, an overflowing number, not JSON)
    /// fall back to serde whole.
    #[wasm_bindgen_test]
    fn the_fast_read_matches_serde() {
        let good = r#"{"series": [
            {"run_id": "r1", "metric": "gpu_util", "t": [0, 30, 60], "v": [90.5, null, 80], "extra": 1},
            {"run_id": "r2", "metric": "gpu_util", "t": [0, 30], "v": [1]},
            {"run_id": "r4", "metric": "cpu_util", "t": [30, 0], "v": [1, 2]},
            {"run_id": "r5", "metric": "disk", "t": [0], "v": [1]},
            {"run_id": "r6", "metric": "sys_mem", "t": [0, 30], "v": [100.5, 1]},
            {"run_id": "r7", "metric": "gpu_mem", "t": [], "v": []},
            {"run_id": "r8", "metric": "gpu_mem", "t": [0, 1e3, 2.5e3], "v": [0, 100, 0.000001]}
        ], "other": "ignored"}"#;
        assert!(metrics_columns(good).is_some(), "read by JSON.parse");
        assert_eq!(
            read_metrics(good).unwrap(),
            parse::parse_metrics(good).unwrap()
        );
        let (series, skipped) = read_metrics(good).unwrap();
        assert_eq!(series.len(), 3);
        assert_eq!(series[0].v, vec![Some(90.5), None, Some(80.0)]);
        assert_eq!(skipped.total(), 4);
        // Strings one or six characters long that are no key, and keys
        // spelled with spaces around them, are still read by JSON.parse.
        let short = r#"{ "series" : [{"run_id":"x","metric":"gpu_util","t":[0],"v":[1]},
            { "run_id" : "abcdef" , "metric" : "cpu_util" , "t" : [ 0 ] , "v" : [ null ] }], "w": "serie"}"#;
        assert!(metrics_columns(short).is_some(), "read by JSON.parse");
        assert_eq!(
            read_metrics(short).unwrap(),
            parse::parse_metrics(short).unwrap()
        );
        for bad in [
            r#"{"series": [{"run_id": "r3", "metric": "cpu_util", "t": [0, 30], "v": [1, "x"]}, {"run_id": "r1", "metric": "gpu_util", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r3", "metric": "cpu_util", "t": [0, 30]}]}"#,
            r#"{"series": [{"run_id": 7, "metric": "cpu_util", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0, 1e999], "v": [1, 2]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0], "v": [NaN]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0], "v": [true]}]}"#,
            r#"{"series": [null, 3]}"#,
            // JSON.parse would keep the last of two equal keys; serde skips
            // the series (or refuses the body).
            r#"{"series": [{"run_id": "r", "run_id": "s", "metric": "cpu_util", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0], "v": [1], "v": [2]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0], "\u0074": [5], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0], "v": [1]}], "series": []}"#,
            // Valid, but a value spells a key's name or an escape: serde reads it.
            r#"{"series": [{"run_id": "t", "metric": "cpu_util", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r\/1", "metric": "cpu_util", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "series", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "v", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "metric", "metric": "cpu_util", "t": [0], "v": [1]}]}"#,
            r#"{"series": [{"run_id": "r", "metric": "cpu_util", "t": [0], "v": [1]}], "x": ["run_id"]}"#,
            r#"{"series": {}}"#,
            r#"{"nothing": []}"#,
            r#"[1, 2]"#,
            "not json",
        ] {
            assert!(metrics_columns(bad).is_none(), "{bad}");
            assert_eq!(
                format!("{:?}", read_metrics(bad)),
                format!("{:?}", parse::parse_metrics(bad)),
                "{bad}"
            );
        }
    }
}
