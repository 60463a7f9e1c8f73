//! The job fields a view filters and groups by (SPEC §3, §5): one table
//! that names each field on the wire, shows it to people and reads it from
//! a [`Job`]. The URL parameters, the filter controls, the grouping options
//! and the custom-grouping rule fields are all walks over [`Field::ALL`].

use crate::model::Job;

/// A filterable (and groupable) job field, as named in the URL (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The user who launched the job.
    User,
    /// The launch job name.
    Job,
    /// The project.
    Project,
    /// The entity (team or org).
    Entity,
    /// The current state (the job's last transition).
    State,
}

/// One row of the field table.
struct Row {
    field: Field,
    wire: &'static str,
    label: &'static str,
}

/// The table itself, in the order of the URL and of the filter controls.
const TABLE: [Row; 5] = [
    Row {
        field: Field::User,
        wire: "user",
        label: "User",
    },
    Row {
        field: Field::Job,
        wire: "job",
        label: "Launch job",
    },
    Row {
        field: Field::Project,
        wire: "project",
        label: "Project",
    },
    Row {
        field: Field::Entity,
        wire: "entity",
        label: "Entity",
    },
    Row {
        field: Field::State,
        wire: "state",
        label: "State",
    },
];

impl Field {
    /// Number of fields.
    pub const COUNT: usize = TABLE.len();

    /// All fields, in the order of the URL and of the filter controls.
    pub const ALL: [Field; Field::COUNT] = [
        TABLE[0].field,
        TABLE[1].field,
        TABLE[2].field,
        TABLE[3].field,
        TABLE[4].field,
    ];

    /// Position in [`Field::ALL`] (and in per-field arrays).
    pub fn index(self) -> usize {
        self as usize
    }

    fn row(self) -> &'static Row {
        &TABLE[self.index()]
    }

    /// The URL parameter name (`user`, `job`, ...), also the grouping key.
    pub fn as_str(self) -> &'static str {
        self.row().wire
    }

    /// The name people read (`Launch job`).
    pub fn label(self) -> &'static str {
        self.row().label
    }

    /// Reads a URL parameter name.
    pub fn parse(s: &str) -> Option<Field> {
        TABLE.iter().find(|r| r.wire == s).map(|r| r.field)
    }

    /// The field's value on a job (`None` when the job lacks it; the state
    /// is the current one, by its wire name).
    pub fn of(self, job: &Job) -> Option<&str> {
        match self {
            Field::User => job.user.as_deref(),
            Field::Job => Some(job.job.as_str()),
            Field::Project => job.project.as_deref(),
            Field::Entity => job.entity.as_deref(),
            Field::State => Some(job.current_state().as_str()),
        }
    }

    /// Which interned string column of the prepared data holds the field
    /// (`None` for state, which is interned separately).
    pub(crate) fn column(self) -> Option<usize> {
        match self {
            Field::State => None,
            f => Some(f.index()),
        }
    }

    /// The wire names joined for messages: `user, job, project, entity, state`.
    pub fn wire_list() -> String {
        Field::ALL.map(Field::as_str).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order_and_round_trips() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(Field::parse(f.as_str()), Some(f));
        }
        assert_eq!(Field::parse("colour"), None);
        assert_eq!(Field::Job.label(), "Launch job");
        assert_eq!(Field::wire_list(), "user, job, project, entity, state");
    }

    #[test]
    fn reads_each_field_of_a_job() {
        let job = Job {
            id: "1".into(),
            job: "train".into(),
            user: Some("alice".into()),
            entity: Some("lab".into()),
            transitions: vec![crate::model::Transition {
                state: crate::model::JobState::Queued,
                at: 0,
            }],
            ..Job::default()
        };
        let got = Field::ALL.map(|f| f.of(&job));
        assert_eq!(
            got,
            [
                Some("alice"),
                Some("train"),
                None,
                Some("lab"),
                Some("queued")
            ]
        );
    }
}
