//! One set of groups for every panel: past a limit, the groups with the
//! fewest jobs fold into `(other)`, so charts stay readable and a group has
//! the same colour (its index here) in queued time, job runs and usage.

use super::group::{Groups, OTHER_NAME};

/// Orders `groups` by their number of jobs (descending, ties by name) and
/// keeps the top `max_groups - 1`, folding the rest into [`OTHER_NAME`],
/// which comes last. With `max_groups` groups or fewer nothing folds; the
/// order is still by weight. `max_groups` 0 is taken as 1.
pub fn fold_groups(groups: &Groups, max_groups: usize) -> Groups {
    let max_groups = max_groups.max(1);
    let mut counts = vec![0usize; groups.names.len()];
    for &g in &groups.of_job {
        if let Some(c) = counts.get_mut(g as usize) {
            *c += 1;
        }
    }
    let mut order: Vec<u32> = (0..groups.names.len())
        .filter(|&i| counts[i] > 0)
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    crate::sort::sort_indices(&mut order, &|a, b| {
        let (a, b) = (a as usize, b as usize);
        counts[b]
            .cmp(&counts[a])
            .then_with(|| groups.names[a].cmp(&groups.names[b]))
    });
    let order: Vec<usize> = order.into_iter().map(|i| i as usize).collect();
    let keep = if order.len() > max_groups {
        max_groups - 1
    } else {
        order.len()
    };
    let mut names: Vec<String> = order[..keep]
        .iter()
        .map(|&i| groups.names[i].clone())
        .collect();
    let mut new_id = vec![u16::MAX; groups.names.len()];
    for (new, &old) in order[..keep].iter().enumerate() {
        new_id[old] = new as u16;
    }
    if order.len() > keep {
        // An existing "(other)" of a custom grouping merges with the folded rest.
        let other = match names.iter().position(|n| n == OTHER_NAME) {
            Some(i) => i as u16,
            None => {
                names.push(OTHER_NAME.to_string());
                (names.len() - 1) as u16
            }
        };
        for &old in &order[keep..] {
            new_id[old] = other;
        }
    }
    let of_job = groups
        .of_job
        .iter()
        .map(|&g| new_id.get(g as usize).copied().unwrap_or(u16::MAX))
        .collect();
    Groups { names, of_job }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(names: &[&str], of_job: &[u16]) -> Groups {
        Groups {
            names: names.iter().map(|s| s.to_string()).collect(),
            of_job: of_job.to_vec(),
        }
    }

    #[test]
    fn orders_by_job_count_without_folding() {
        let g = fold_groups(&groups(&["a", "b", "c"], &[0, 1, 1, 2, 1, 2]), 12);
        assert_eq!(g.names, ["b", "c", "a"]);
        assert_eq!(g.of_job, [2, 0, 0, 1, 0, 1]);
    }

    #[test]
    fn folds_the_lightest_into_other_last() {
        // counts: a=1, b=3, c=2, d=2 → keep b, c (ties by name: c before d), fold a, d.
        let g = fold_groups(&groups(&["a", "b", "c", "d"], &[0, 1, 1, 1, 2, 2, 3, 3]), 3);
        assert_eq!(g.names, ["b", "c", OTHER_NAME]);
        assert_eq!(g.of_job, [2, 0, 0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn a_custom_other_merges_with_the_folded_rest() {
        let g = fold_groups(
            &groups(&[OTHER_NAME, "x", "y", "z"], &[0, 0, 0, 1, 1, 2, 3]),
            3,
        );
        assert_eq!(g.names, [OTHER_NAME, "x"]);
        assert_eq!(g.of_job, [0, 0, 0, 1, 1, 0, 0]);
    }

    #[test]
    fn every_job_keeps_a_group() {
        let of_job: Vec<u16> = (0..100u16).map(|i| i % 30).collect();
        let names: Vec<String> = (0..30).map(|i| format!("g{i:02}")).collect();
        let g = fold_groups(&Groups { names, of_job }, 12);
        assert_eq!(g.names.len(), 12);
        assert!(g.of_job.iter().all(|&x| (x as usize) < g.names.len()));
    }
}
