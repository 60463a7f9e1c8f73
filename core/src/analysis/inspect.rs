//! A chart panel's *Inspect* table (SPEC §6): exactly the series of
//! `window.queuescope.inspect(panel)`, one row per point, and its CSV
//! (formula-safe, through the selection table's CSV writer).
//!
//! The table is read from the hook's own JSON, so the dialog, the CSV and
//! the hook cannot disagree: its columns are `series` (the series' name),
//! `x`, `y`, and every other array of the series objects by name (for
//! Job runs `brushed`, `end`, `job_id`).

use super::table::push_csv_field;
use serde_json::Value;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (a series name, a time, a job id): formula-guarded in CSV.
    Text(String),
    /// A number, written plainly.
    Number(f64),
    /// Nothing (a gap in a usage series, a missing value).
    Empty,
}

impl Cell {
    fn of(v: Option<&Value>) -> Cell {
        match v {
            Some(Value::String(s)) => Cell::Text(s.clone()),
            Some(Value::Number(n)) => n.as_f64().map_or(Cell::Empty, Cell::Number),
            Some(Value::Bool(b)) => Cell::Text(b.to_string()),
            _ => Cell::Empty,
        }
    }

    /// The cell as the table and the CSV show it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// The table of one panel's `inspect` answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectTable {
    /// Column names: `series`, then the series' arrays.
    pub columns: Vec<String>,
    /// One row a point, series after series.
    pub rows: Vec<Vec<Cell>>,
}

impl InspectTable {
    /// Reads an `inspect` answer (`{"series": [{"name", "x", "y", ...}]}`).
    /// Scalars of a series (its `color`) are not points and stay out.
    pub fn from_answer(json: &str) -> Result<InspectTable, String> {
        let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let series = v
            .get("series")
            .and_then(Value::as_array)
            .ok_or("the answer has no series")?;
        // `x` and `y` first, then the other arrays by name.
        let mut columns = vec!["series".to_string()];
        let arrays = series
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|s| s.iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k));
        let (xy, rest): (Vec<&String>, Vec<&String>) = arrays.partition(|k| *k == "x" || *k == "y");
        let by_name = |v| crate::sort::sort_vec(v, &|a: &&String, b: &&String| a.cmp(b));
        for k in by_name(xy).into_iter().chain(by_name(rest)) {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
        let mut rows = Vec::new();
        for s in series {
            let name = Cell::of(s.get("name"));
            let arrays: Vec<Option<&Vec<Value>>> = columns[1..]
                .iter()
                .map(|c| s.get(c).and_then(Value::as_array))
                .collect();
            let points = arrays.iter().flatten().map(|a| a.len()).max().unwrap_or(0);
            for i in 0..points {
                let mut row = Vec::with_capacity(columns.len());
                row.push(name.clone());
                row.extend(arrays.iter().map(|a| Cell::of(a.and_then(|a| a.get(i)))));
                rows.push(row);
            }
        }
        Ok(InspectTable { columns, rows })
    }

    /// The table as CSV (RFC 4180, CRLF): text cells that a spreadsheet
    /// would run as a formula get a leading `'`, numbers stay numbers.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let mut line = |cells: &mut dyn Iterator<Item = (String, bool)>| {
            for (i, (c, text)) in cells.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_csv_field(&mut out, &c, text);
            }
            out.push_str("\r\n");
        };
        line(&mut self.columns.iter().map(|c| (c.clone(), true)));
        for r in &self.rows {
            line(&mut r.iter().map(|c| (c.text(), matches!(c, Cell::Text(_)))));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_a_point_with_every_array_as_a_column() {
        let json = r##"{"series": [
            {"name": "=cmd|x", "color": "#ff0000", "x": ["2026-11-21T08:00:00Z", "2026-11-21T09:00:00Z"], "y": [3.0, 0.5]},
            {"name": "r1", "x": [0, 30], "y": [-2, null], "job_id": ["j1"]}],
            "lanes": 3}"##;
        let t = InspectTable::from_answer(json).unwrap();
        assert_eq!(t.columns, ["series", "x", "y", "job_id"]);
        assert_eq!(t.rows.len(), 4);
        assert_eq!(
            t.rows[0],
            [
                Cell::Text("=cmd|x".into()),
                Cell::Text("2026-11-21T08:00:00Z".into()),
                Cell::Number(3.0),
                Cell::Empty
            ]
        );
        assert_eq!(t.rows[3][2], Cell::Empty, "a gap stays empty");
        assert_eq!(
            t.to_csv(),
            "series,x,y,job_id\r\n\
             '=cmd|x,2026-11-21T08:00:00Z,3,\r\n\
             '=cmd|x,2026-11-21T09:00:00Z,0.5,\r\n\
             r1,0,-2,j1\r\n\
             r1,30,,\r\n"
        );
        assert!(InspectTable::from_answer("[1]").is_err());
        assert_eq!(
            InspectTable::from_answer(r#"{"series": []}"#)
                .unwrap()
                .rows
                .len(),
            0
        );
    }
}
