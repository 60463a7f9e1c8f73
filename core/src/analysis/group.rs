//! Grouping (SPEC §3 "Grouping"): which group each selected job belongs
//! to, by a field, a label, or a user's custom rules (first match wins).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::filter::{Field, Selection};
use super::prepared::{Column, Prepared, EMPTY_COLUMN, NONE_NAME};

/// The group of jobs no custom rule matched (SPEC §3), and the group that
/// [`super::queued_time`] folds small groups into.
pub const OTHER_NAME: &str = "(other)";

/// What the panels are grouped by, resolved: a custom grouping is its
/// rules, not its name (the view's `GroupKey` names it; the app resolves it
/// against the saved groupings).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// By a job field (user, launch job, project, entity, current state).
    Field(Field),
    /// By the value of a label; jobs without it group as `(none)`.
    Label(String),
    /// By a saved rule list.
    Custom(CustomGrouping),
}

impl Default for GroupBy {
    /// SPEC §5: by user.
    fn default() -> Self {
        GroupBy::Field(Field::User)
    }
}

/// A named list of rules mapping jobs to group names; the first matching
/// rule wins, else `(other)`. Saved in local storage and exported as JSON:
/// `{"name": "teams", "rules": [{"field": "user", "matcher": {"values":
/// ["alice", "bob"]}, "group": "vision team"}, {"field": "job", "matcher":
/// {"regex": "^sweep-"}, "group": "sweeps"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct CustomGrouping {
    /// The name (`custom:NAME` in the URL).
    pub name: String,
    /// Tried in order.
    pub rules: Vec<Rule>,
}

/// One rule: if `field` matches, the job belongs to `group`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// What the rule looks at.
    pub field: RuleField,
    /// How it matches.
    pub matcher: Matcher,
    /// The group name it assigns.
    pub group: String,
}

/// The job field a rule reads. A missing value reads as `(none)`, so a
/// `Values` rule can name it. In JSON a string: `user`, `job`, `project`,
/// `entity`, `state`, `label:KEY`, `run_name`, `run_id`, `job_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum RuleField {
    /// A job field of the [`Field`] table.
    Field(Field),
    /// A label's value.
    Label(String),
    /// Run name.
    RunName,
    /// Run id.
    RunId,
    /// Job (queue item) id.
    JobId,
}

/// The rule fields beyond [`Field`] and labels, with their JSON / UI names.
const RUN_FIELDS: [(RuleField, &str); 3] = [
    (RuleField::RunName, "run_name"),
    (RuleField::RunId, "run_id"),
    (RuleField::JobId, "job_id"),
];

impl RuleField {
    /// Every rule field an editor offers: the [`Field`]s, the run fields,
    /// then `label:KEY` for each of `label_keys`.
    pub fn options(label_keys: &[String]) -> Vec<RuleField> {
        Field::ALL
            .into_iter()
            .map(RuleField::Field)
            .chain(RUN_FIELDS.iter().map(|(f, _)| f.clone()))
            .chain(label_keys.iter().map(|k| RuleField::Label(k.clone())))
            .collect()
    }

    /// The accepted names, for messages: `user, job, project, entity,
    /// state, run_name, run_id, job_id or label:KEY`.
    pub fn names() -> String {
        let runs: Vec<&str> = RUN_FIELDS.iter().map(|(_, n)| *n).collect();
        format!("{}, {} or label:KEY", Field::wire_list(), runs.join(", "))
    }

    /// The JSON / UI name.
    pub fn as_string(&self) -> String {
        match self {
            RuleField::Field(f) => f.as_str().into(),
            RuleField::Label(k) => format!("label:{k}"),
            other => RUN_FIELDS
                .iter()
                .find(|(f, _)| f == other)
                .map_or_else(String::new, |(_, n)| (*n).into()),
        }
    }

    /// Reads the JSON / UI name.
    pub fn parse(s: &str) -> Option<RuleField> {
        if let Some(f) = Field::parse(s) {
            return Some(RuleField::Field(f));
        }
        if let Some((f, _)) = RUN_FIELDS.iter().find(|(_, n)| *n == s) {
            return Some(f.clone());
        }
        let key = s.strip_prefix("label:").filter(|k| !k.is_empty())?;
        Some(RuleField::Label(key.into()))
    }
}

impl From<RuleField> for String {
    fn from(f: RuleField) -> String {
        f.as_string()
    }
}

impl TryFrom<String> for RuleField {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        RuleField::parse(&s).ok_or_else(|| format!("unknown rule field {s:?}"))
    }
}

/// How a rule matches a field's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matcher {
    /// Equal to one of these (exact, case-sensitive).
    Values(Vec<String>),
    /// A regex (regex-lite syntax, unanchored: use `^`/`$`). An invalid one
    /// never matches; [`validate`] reports it.
    Regex(String),
}

/// The group of each selected job and the group names, most jobs first
/// (ties by name). Ids are `u16`: past 65,535 distinct names the rest fold
/// into `(other)`, which only grouping by launch job could ever reach.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Groups {
    /// Group names; a group id indexes here.
    pub names: Vec<String>,
    /// The group id of each selected job, parallel to [`Selection`].
    pub of_job: Vec<u16>,
}

/// Groups the selection (SPEC §3). Field and label groupings work on the
/// interned values, so they cost O(selection); custom rules on interned
/// fields are evaluated once per distinct value, the rest once per job.
pub fn group(prep: &Prepared, sel: &Selection, by: &GroupBy) -> Groups {
    let state_names: Vec<&str> = prep.states.iter().map(|s| s.as_str()).collect();
    let (keys, key_names): (Vec<u32>, Vec<&str>) = match by {
        GroupBy::Label(k) => column_keys(prep.labels.get(k), sel),
        GroupBy::Field(Field::State) => {
            let keys = sel
                .0
                .iter()
                .map(|&i| u32::from(prep.current(i as usize)))
                .collect();
            (keys, state_names)
        }
        GroupBy::Field(f) => column_keys(prep.field_column(*f), sel),
        GroupBy::Custom(c) => custom_keys(prep, sel, c),
    };
    finish(&keys, &key_names)
}

/// Keys of a column: value ids, with "missing" as the id after the last value.
fn column_keys<'a>(col: Option<&'a Column>, sel: &Selection) -> (Vec<u32>, Vec<&'a str>) {
    let Some(col) = col else {
        return (vec![0; sel.len()], vec![NONE_NAME]);
    };
    let none = u32::try_from(col.names.len()).unwrap_or(u32::MAX);
    let keys = sel
        .0
        .iter()
        .map(|&i| {
            col.value(i as usize)
                .filter(|&id| id < none)
                .unwrap_or(none)
        })
        .collect();
    let names = col
        .names
        .iter()
        .map(String::as_str)
        .chain([NONE_NAME])
        .collect();
    (keys, names)
}

/// Turns per-job keys into groups: merges keys with the same name, orders
/// by job count (desc) then name, and caps at `u16` ids.
fn finish(keys: &[u32], key_names: &[&str]) -> Groups {
    let mut name_id: HashMap<&str, usize> = HashMap::new();
    let key_to_name: Vec<usize> = key_names
        .iter()
        .map(|n| {
            let next = name_id.len();
            *name_id.entry(n).or_insert(next)
        })
        .collect();
    let mut names: Vec<&str> = vec![""; name_id.len()];
    for (n, &i) in &name_id {
        if let Some(slot) = names.get_mut(i) {
            *slot = n;
        }
    }
    let mut counts = vec![0usize; names.len()];
    for &k in keys {
        if let Some(c) = key_to_name.get(k as usize).and_then(|&n| counts.get_mut(n)) {
            *c += 1;
        }
    }
    let mut order: Vec<u32> = (0..names.len())
        .filter(|&n| counts.get(n).is_some_and(|&c| c > 0))
        .filter_map(|n| u32::try_from(n).ok())
        .collect();
    crate::sort::sort_indices(&mut order, &|a, b| {
        let (a, b) = (a as usize, b as usize);
        counts[b]
            .cmp(&counts[a])
            .then_with(|| names[a].cmp(names[b]))
    });
    let order: Vec<usize> = order.into_iter().map(|n| n as usize).collect();
    let max = usize::from(u16::MAX);
    let mut out_names: Vec<String> = Vec::new();
    let mut rank = vec![0u16; names.len()];
    let mut other: Option<u16> = None;
    for (pos, &n) in order.iter().enumerate() {
        let id = if pos + 1 < max {
            out_names.push(names[n].to_string());
            u16::try_from(out_names.len() - 1).unwrap_or(u16::MAX)
        } else {
            *other.get_or_insert_with(|| {
                out_names.push(OTHER_NAME.to_string());
                u16::try_from(out_names.len() - 1).unwrap_or(u16::MAX)
            })
        };
        rank[n] = id;
    }
    let of_job = keys
        .iter()
        .map(|&k| {
            key_to_name
                .get(k as usize)
                .and_then(|&n| rank.get(n))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    Groups {
        names: out_names,
        of_job,
    }
}

/// A rule, compiled against the prepared data.
struct Compiled<'a> {
    field: &'a RuleField,
    /// For fields with an interned column: the verdict per value id, plus
    /// the verdict for "missing" last. `None` for per-job fields.
    table: Option<(&'a Column, Vec<bool>)>,
    values: HashSet<&'a str>,
    regex: Option<regex_lite::Regex>,
    is_regex: bool,
    group: usize,
}

impl Compiled<'_> {
    fn test(&self, v: &str) -> bool {
        if self.is_regex {
            self.regex.as_ref().is_some_and(|r| r.is_match(v))
        } else {
            self.values.contains(v)
        }
    }
}

/// Keys of a custom grouping: rule group names, then `(other)`.
fn custom_keys<'a>(
    prep: &'a Prepared,
    sel: &Selection,
    c: &'a CustomGrouping,
) -> (Vec<u32>, Vec<&'a str>) {
    let mut names: Vec<&str> = c.rules.iter().map(|r| r.group.as_str()).collect();
    names.push(OTHER_NAME);
    let other = u32::try_from(c.rules.len()).unwrap_or(u32::MAX);
    let mut rules: Vec<Compiled> = c
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (values, regex, is_regex) = match &r.matcher {
                Matcher::Values(v) => (v.iter().map(String::as_str).collect(), None, false),
                Matcher::Regex(re) => (HashSet::new(), regex_lite::Regex::new(re).ok(), true),
            };
            Compiled {
                field: &r.field,
                table: None,
                values,
                regex,
                is_regex,
                group: i,
            }
        })
        .collect();
    for rule in &mut rules {
        let col = match rule.field {
            RuleField::Field(f) => prep.field_column(*f),
            RuleField::Label(ref k) => Some(prep.labels.get(k).unwrap_or(&EMPTY_COLUMN)),
            _ => None,
        };
        if let Some(col) = col {
            let mut t: Vec<bool> = col.names.iter().map(|n| rule.test(n)).collect();
            t.push(rule.test(NONE_NAME));
            rule.table = Some((col, t));
        }
    }
    let states: Vec<&str> = prep.states.iter().map(|s| s.as_str()).collect();
    let keys = sel
        .0
        .iter()
        .map(|&i| {
            let i = i as usize;
            rules
                .iter()
                .find(|r| match &r.table {
                    Some((col, t)) => {
                        let id = col.value(i).map_or(usize::MAX, |id| id as usize);
                        t.get(id).or(t.last()).copied().unwrap_or(false)
                    }
                    None => {
                        let v = match r.field {
                            RuleField::Field(Field::State) => {
                                states.get(usize::from(prep.current(i))).copied()
                            }
                            RuleField::RunName => prep.run_name(i),
                            RuleField::RunId => prep.run_id(i),
                            RuleField::JobId => (i < prep.len()).then(|| prep.id(i)),
                            _ => None,
                        };
                        r.test(v.unwrap_or(NONE_NAME))
                    }
                })
                .map_or(other, |r| u32::try_from(r.group).unwrap_or(other))
        })
        .collect();
    (keys, names)
}
