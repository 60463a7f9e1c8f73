//! A first value on a filter field only narrows the selection (SPEC §3:
//! values of a field OR-ed, fields AND-ed), so the runs that value brings
//! into view can be foreseen from the runs shown now (`value_test`; the
//! app's usage prefetch at a press on a filter value relies on it).

use queuescope_core::analysis::*;
use queuescope_core::demo::{generate, DemoConfig};
use queuescope_core::model::DAY;

/// The bars' runs, without their lanes (a narrowed layout packs its own).
fn runs(l: &RunLayout) -> Vec<(u32, i64, i64)> {
    l.bars.iter().map(|b| (b.job, b.start, b.end)).collect()
}

#[test]
fn a_first_value_on_a_field_narrows_the_selection_and_its_runs() {
    let data = generate(&DemoConfig {
        jobs: 3000,
        ..DemoConfig::default()
    });
    let ds = &data.datasets[0];
    let prep = Prepared::new(ds);
    let range = TimeRange::new(ds.generated_at - 3 * DAY, ds.generated_at);
    let by = GroupBy::Field(Field::User);
    let everything = Selection::all(&prep);
    // No filter, another field's value, a text search: each a base to narrow.
    let mut bases = vec![Filters::default()];
    let mut project = Filters::default();
    if let Some((p, _)) = prep.facet_values(Field::Project, &everything).first() {
        project.toggle(Field::Project, p);
    }
    bases.push(project);
    let mut text = Filters::default();
    text.text = "a".into();
    bases.push(text);
    let mut narrowed = 0;
    for base in &bases {
        let sel = select(&prep, base, range);
        let layout = run_layout(&prep, &sel, &group(&prep, &sel, &by), range);
        for field in Field::ALL {
            if !base.values(field).is_empty() {
                continue;
            }
            let mut values: Vec<String> = prep
                .facet_values(field, &everything)
                .into_iter()
                .map(|(v, _)| v)
                .take(4)
                .collect();
            values.extend([NONE_NAME.to_string(), "nobody-has-this".to_string()]);
            for value in values {
                let mut with = base.clone();
                with.toggle(field, &value);
                let want = select(&prep, &with, range);
                let pass = value_test(&prep, field, &value);
                let got: Vec<u32> = sel
                    .0
                    .iter()
                    .copied()
                    .filter(|&j| pass(j as usize))
                    .collect();
                assert_eq!(got, want.0, "{field:?} = {value} over {base:?}");
                narrowed += usize::from(!want.is_empty() && want.len() < sel.len());
                // The runs shown after the click: the bars shown now whose job passes.
                let after = run_layout(&prep, &want, &group(&prep, &want, &by), range);
                let foreseen: Vec<_> = runs(&layout)
                    .into_iter()
                    .filter(|&(j, _, _)| pass(j as usize))
                    .collect();
                assert_eq!(
                    foreseen,
                    runs(&after),
                    "{field:?} = {value} over {base:?}: runs"
                );
            }
        }
    }
    assert!(narrowed > 20, "only {narrowed} values narrowed a selection");
}
