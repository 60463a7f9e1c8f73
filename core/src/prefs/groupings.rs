//! Custom groupings as stored (flat rules a form edits), their one
//! validator and their one conversion to the evaluator's form.

use super::*;

/// One rule of a custom grouping, as stored: flat strings that a form edits
/// and a person reads in an export. A job matches when its field equals one
/// of `values` or matches `regex`. [`CustomGroupingDef::to_grouping`] turns
/// it into the evaluator's [`Rule`]s. First matching rule wins (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDef {
    /// The job field tested: `user|job|project|entity|state|run_name|label:KEY`
    /// (and `run_id`, `job_id`): whatever [`RuleField::parse`] reads.
    pub field: String,
    /// Exact values that match.
    #[serde(default)]
    pub values: Vec<String>,
    /// A regex-lite pattern that matches (searched, so anchor it with `^`).
    #[serde(default)]
    pub regex: Option<String>,
    /// The group a matching job falls in.
    pub group: String,
}

/// A named list of rules that maps jobs to group names, selected in the URL
/// as `group=custom:NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomGroupingDef {
    /// Unique, trimmed, 1 to 80 characters.
    pub name: String,
    /// In order; the first that matches wins, else `(other)`.
    pub rules: Vec<RuleDef>,
}

impl CustomGroupingDef {
    /// Checks everything an evaluator relies on: a usable name, at least one
    /// rule, known fields, non-empty group names, something to match on, and
    /// patterns that compile. The error names the grouping and rule.
    pub fn validate(&self) -> Result<(), GroupingError> {
        let fail = |problem| {
            Err(GroupingError {
                grouping: self.name.clone(),
                problem,
            })
        };
        if let Err(e) = clean_name(&self.name) {
            return fail(RuleProblem::Name(e));
        }
        if self.rules.is_empty() {
            return fail(RuleProblem::NoRules);
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let n = i + 1;
            if RuleField::parse(&rule.field).is_none() {
                return fail(RuleProblem::UnknownField {
                    rule: n,
                    field: rule.field.clone(),
                });
            }
            if rule.group.trim().is_empty() {
                return fail(RuleProblem::NoGroup { rule: n });
            }
            if rule.values.is_empty() && rule.regex.is_none() {
                return fail(RuleProblem::NothingToMatch { rule: n });
            }
            if let Some(pattern) = rule.regex.as_deref() {
                if let Err(e) = regex_lite::Regex::new(pattern) {
                    return fail(RuleProblem::BadPattern {
                        rule: n,
                        pattern: pattern.to_string(),
                        detail: e.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

impl CustomGroupingDef {
    /// The evaluator's form ([`crate::analysis::group`]), after
    /// [`CustomGroupingDef::validate`]. A rule with both values and a pattern
    /// becomes two rules with the same group (values first), which under
    /// first-match-wins is the same "either" test.
    pub fn to_grouping(&self) -> Result<CustomGrouping, GroupingError> {
        self.validate()?;
        let mut rules = Vec::new();
        for def in &self.rules {
            // Checked by `validate`; a field that did not parse is skipped.
            let Some(field) = RuleField::parse(&def.field) else {
                continue;
            };
            let by_values = (!def.values.is_empty()).then(|| Matcher::Values(def.values.clone()));
            let by_regex = def.regex.clone().map(Matcher::Regex);
            rules.extend(by_values.into_iter().chain(by_regex).map(|matcher| Rule {
                field: field.clone(),
                matcher,
                group: def.group.clone(),
            }));
        }
        Ok(CustomGrouping {
            name: self.name.clone(),
            rules,
        })
    }
}

impl Named for CustomGroupingDef {
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

/// The user's custom groupings. Serialised under [`GROUPINGS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupingStore {
    /// Schema version, [`GroupingStore::VERSION`] once loaded.
    pub version: u32,
    /// Groupings with unique names.
    pub groupings: Vec<CustomGroupingDef>,
}

impl Default for GroupingStore {
    fn default() -> Self {
        GroupingStore {
            version: Self::VERSION,
            groupings: Vec::new(),
        }
    }
}

impl GroupingStore {
    /// The schema this code writes.
    pub const VERSION: u32 = 1;

    /// The grouping named `name`.
    pub fn get(&self, name: &str) -> Option<&CustomGroupingDef> {
        self.groupings.iter().find(|g| g.name == name)
    }

    /// Validates and saves a grouping (name trimmed); one of the same name is
    /// replaced in place.
    pub fn save(&mut self, mut def: CustomGroupingDef) -> Result<(), GroupingError> {
        def.name = def.name.trim().to_string();
        def.validate()?;
        upsert(&mut self.groupings, def);
        Ok(())
    }

    /// Renames a grouping. Saved views that say `group=custom:OLD` then fall
    /// back with a notice when opened; the app may offer to update them.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), NameError> {
        rename_in(&mut self.groupings, old, new)
    }

    /// Deletes and returns a grouping.
    pub fn delete(&mut self, name: &str) -> Result<CustomGroupingDef, NameError> {
        delete_in(&mut self.groupings, name)
    }
}

impl Stored for GroupingStore {
    const STORE: Store = Store::Groupings;
    const CURRENT: u32 = GroupingStore::VERSION;

    fn sanitize(self) -> (Self, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut groupings = Vec::new();
        for mut def in self.groupings {
            def.name = def.name.trim().to_string();
            match def.validate() {
                Ok(()) => groupings.push(def),
                Err(e) => problems.push(Problem::Grouping(e)),
            }
        }
        let groupings = unique_names(groupings, Self::STORE, &mut problems);
        (
            GroupingStore {
                version: Self::CURRENT,
                groupings,
            },
            problems,
        )
    }
}
