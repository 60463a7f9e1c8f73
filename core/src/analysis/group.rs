//! Grouping (SPEC §3 "Grouping"): which group each selected job belongs
//! to, by a field, a label, or a user's custom rules (first match wins).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::filter::{Field, Selection};
use super::prepared::{Column, Prepared, EMPTY_COLUMN, NONE_NAME};

/// The group of jobs no custom rule matched (SPEC §3), and the group that
/// [`super::queued_time`] folds small groups into.
pub const OTHER_NAME: &str = "(other)";

/// What the panels are grouped by (the URL `group` parameter, SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum GroupBy {
    /// By user (the default).
    #[default]
    User,
    /// By launch job name.
    Job,
    /// By project.
    Project,
    /// By entity.
    Entity,
    /// By current state.
    State,
    /// By the value of a label; jobs without it group as `(none)`.
    Label(String),
    /// By a saved rule list.
    Custom(CustomGrouping),
}

impl GroupBy {
    /// Reads the URL value (`user`, `label:team`, `custom:NAME`). A custom
    /// grouping is looked up by name in `custom` (the user's saved ones),
    /// since the URL carries only its name; unknown names give `None`.
    pub fn parse(s: &str, custom: &[CustomGrouping]) -> Option<GroupBy> {
        if let Some(key) = s.strip_prefix("label:") {
            return (!key.is_empty()).then(|| GroupBy::Label(key.to_string()));
        }
        if let Some(name) = s.strip_prefix("custom:") {
            return custom
                .iter()
                .find(|c| c.name == name)
                .cloned()
                .map(GroupBy::Custom);
        }
        Some(match Field::parse(s)? {
            Field::User => GroupBy::User,
            Field::Job => GroupBy::Job,
            Field::Project => GroupBy::Project,
            Field::Entity => GroupBy::Entity,
            Field::State => GroupBy::State,
        })
    }

    /// The URL value, inverse of [`GroupBy::parse`].
    pub fn as_param(&self) -> String {
        match self {
            GroupBy::User => Field::User.as_str().into(),
            GroupBy::Job => Field::Job.as_str().into(),
            GroupBy::Project => Field::Project.as_str().into(),
            GroupBy::Entity => Field::Entity.as_str().into(),
            GroupBy::State => Field::State.as_str().into(),
            GroupBy::Label(k) => format!("label:{k}"),
            GroupBy::Custom(c) => format!("custom:{}", c.name),
        }
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
    /// User.
    User,
    /// Launch job name.
    Job,
    /// Project.
    Project,
    /// Entity.
    Entity,
    /// Current state (wire name).
    State,
    /// A label's value.
    Label(String),
    /// Run name.
    RunName,
    /// Run id.
    RunId,
    /// Job (queue item) id.
    JobId,
}

impl RuleField {
    /// The JSON / UI name.
    pub fn as_string(&self) -> String {
        match self {
            RuleField::User => "user".into(),
            RuleField::Job => "job".into(),
            RuleField::Project => "project".into(),
            RuleField::Entity => "entity".into(),
            RuleField::State => "state".into(),
            RuleField::Label(k) => format!("label:{k}"),
            RuleField::RunName => "run_name".into(),
            RuleField::RunId => "run_id".into(),
            RuleField::JobId => "job_id".into(),
        }
    }

    /// Reads the JSON / UI name.
    pub fn parse(s: &str) -> Option<RuleField> {
        Some(match s {
            "user" => RuleField::User,
            "job" => RuleField::Job,
            "project" => RuleField::Project,
            "entity" => RuleField::Entity,
            "state" => RuleField::State,
            "run_name" => RuleField::RunName,
            "run_id" => RuleField::RunId,
            "job_id" => RuleField::JobId,
            other => RuleField::Label(
                other
                    .strip_prefix("label:")
                    .filter(|k| !k.is_empty())?
                    .into(),
            ),
        })
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

/// The problems of a custom grouping the editor should show: invalid
/// regexes (such rules never match) and empty group names. Empty = valid.
pub fn validate(custom: &CustomGrouping) -> Vec<String> {
    let mut out = Vec::new();
    for (i, r) in custom.rules.iter().enumerate() {
        if r.group.trim().is_empty() {
            out.push(format!("rule {}: empty group name", i + 1));
        }
        if let Matcher::Regex(re) = &r.matcher {
            if let Err(e) = regex_lite::Regex::new(re) {
                out.push(format!("rule {}: invalid regex {re:?}: {e}", i + 1));
            }
        }
    }
    out
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
        GroupBy::User => column_keys(prep.field_column(Field::User), sel),
        GroupBy::Job => column_keys(prep.field_column(Field::Job), sel),
        GroupBy::Project => column_keys(prep.field_column(Field::Project), sel),
        GroupBy::Entity => column_keys(prep.field_column(Field::Entity), sel),
        GroupBy::Label(k) => column_keys(prep.labels.get(k), sel),
        GroupBy::State => {
            let keys = sel
                .0
                .iter()
                .map(|&i| u32::from(prep.current.get(i as usize).copied().unwrap_or(0)))
                .collect();
            (keys, state_names)
        }
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
    let mut order: Vec<usize> = (0..names.len())
        .filter(|&n| counts.get(n).is_some_and(|&c| c > 0))
        .collect();
    order.sort_by(|&a, &b| {
        counts[b]
            .cmp(&counts[a])
            .then_with(|| names[a].cmp(names[b]))
    });
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
            RuleField::User => prep.field_column(Field::User),
            RuleField::Job => prep.field_column(Field::Job),
            RuleField::Project => prep.field_column(Field::Project),
            RuleField::Entity => prep.field_column(Field::Entity),
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
                        let job = prep.get(i);
                        let v = match r.field {
                            RuleField::State => prep
                                .current
                                .get(i)
                                .and_then(|&s| states.get(s as usize).copied()),
                            RuleField::RunName => job.and_then(|j| j.run_name.as_deref()),
                            RuleField::RunId => job.and_then(|j| j.run_id.as_deref()),
                            RuleField::JobId => job.map(|j| j.id.as_str()),
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

impl From<&crate::prefs::CustomGroupingDef> for CustomGrouping {
    /// The stored form (see [`crate::prefs`]) holds values and a pattern in
    /// one rule; here each becomes its own rule, values first, so "first
    /// match wins" still means "either matches". Rules with a field this
    /// module does not know are dropped (`CustomGroupingDef::validate`
    /// rejects them before saving).
    fn from(def: &crate::prefs::CustomGroupingDef) -> Self {
        let mut rules = Vec::new();
        for r in &def.rules {
            let Some(field) = RuleField::parse(&r.field) else {
                continue;
            };
            let mut push = |matcher| {
                rules.push(Rule {
                    field: field.clone(),
                    matcher,
                    group: r.group.clone(),
                })
            };
            if !r.values.is_empty() {
                push(Matcher::Values(r.values.clone()));
            }
            if let Some(re) = &r.regex {
                push(Matcher::Regex(re.clone()));
            }
        }
        CustomGrouping {
            name: def.name.clone(),
            rules,
        }
    }
}
