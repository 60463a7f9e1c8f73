//! The Job runs raster and the pointer lookup, on hand-made layouts whose
//! pixels are counted by hand.

use queuescope_core::analysis::{raster_runs, LaneIndex, RasterWindow, RunBar, RunLayout};

fn bar(job: u32, start: i64, end: i64, lane: u32, group: u16) -> RunBar {
    RunBar {
        job,
        start,
        end,
        lane,
        group,
    }
}

/// Three lanes over x in [0, 100) ms: lane 0 has jobs 0 and 3, lane 1 job 1,
/// lane 2 job 2 (sorted by start, as `run_layout` gives them).
fn layout() -> RunLayout {
    RunLayout {
        bars: vec![
            bar(0, 0, 30, 0, 0),
            bar(1, 10, 95, 1, 1),
            bar(2, 20, 21, 2, 0),
            bar(3, 50, 60, 0, 1),
        ],
        lanes: 3,
    }
}

const A: [u8; 4] = [1, 2, 3, 255];
const B: [u8; 4] = [9, 8, 7, 255];

/// The raster as one char a pixel: '.' empty, 'a' group 0, 'b' group 1.
fn picture(win: &RasterWindow) -> Vec<String> {
    let px = raster_runs(
        &layout(),
        win,
        |t| t as f64,
        |b| if b.group == 0 { A } else { B },
    );
    assert_eq!(px.len(), (win.width * win.height * 4) as usize);
    px.chunks_exact(4 * win.width as usize)
        .map(|row| {
            row.chunks_exact(4)
                .map(|c| match c {
                    [0, 0, 0, 0] => '.',
                    c if c == A => 'a',
                    c if c == B => 'b',
                    _ => '?',
                })
                .collect()
        })
        .collect()
}

#[test]
fn one_row_per_lane_when_lanes_are_thin() {
    // 10 ms a column, one row a lane (y from -0.5 to 2.5).
    let win = RasterWindow {
        x0: 0.0,
        x1: 100.0,
        y0: -0.5,
        y1: 2.5,
        width: 10,
        height: 3,
    };
    assert_eq!(
        picture(&win),
        vec![
            "aaa..b....", // job 0 [0, 30) → columns 0-2; job 3 [50, 60) → column 5
            ".bbbbbbbbb", // job 1 [10, 95) → columns 1-9 (ceil of 9.5)
            "..a.......", // job 2 [20, 21): shorter than a pixel, still one column
        ]
    );
}

#[test]
fn tall_lanes_leave_a_gap_between_bars() {
    // 10 rows a lane: a bar takes the middle 70 % (rows 1.5..8.5 → 1..9 of each lane).
    let win = RasterWindow {
        x0: 0.0,
        x1: 100.0,
        y0: -0.5,
        y1: 0.5,
        width: 2,
        height: 10,
    };
    let rows = picture(&win);
    assert_eq!(rows[0], "..");
    assert_eq!(rows[1], "ab"); // job 0 in column 0, job 3 [50, 60) in column 1
    assert_eq!(rows[8], "ab");
    assert_eq!(rows[9], "..");
}

#[test]
fn a_zoomed_window_clips_and_later_runs_draw_on_top() {
    // x in [40, 60) over 2 columns, lanes 0.5..2.5 → rows for lanes 1 and 2 only.
    let win = RasterWindow {
        x0: 40.0,
        x1: 60.0,
        y0: 0.5,
        y1: 2.5,
        width: 2,
        height: 2,
    };
    assert_eq!(picture(&win), vec!["bb", ".."]);
    // Three lanes in one row: where lanes share a row, the later start wins.
    let squeezed = RasterWindow {
        x0: 0.0,
        x1: 100.0,
        y0: -0.5,
        y1: 2.5,
        width: 10,
        height: 1,
    };
    assert_eq!(picture(&squeezed), vec!["ababbbbbbb"]);
}

#[test]
fn bad_windows_give_an_empty_or_blank_raster() {
    let mut win = RasterWindow {
        x0: 0.0,
        x1: 100.0,
        y0: -0.5,
        y1: 2.5,
        width: 0,
        height: 3,
    };
    assert!(raster_runs(&layout(), &win, |t| t as f64, |_| A).is_empty());
    win.width = 100_000;
    assert!(raster_runs(&layout(), &win, |t| t as f64, |_| A).is_empty());
    win.width = 4;
    win.x1 = f64::NAN;
    assert!(raster_runs(&layout(), &win, |t| t as f64, |_| A)
        .iter()
        .all(|&b| b == 0));
}

#[test]
fn the_pointer_finds_the_run_under_it() {
    let l = layout();
    let idx = LaneIndex::new(&l);
    let job = |t, lanes, slack| idx.bar_at(&l, t, lanes, slack).map(|i| l.bars[i].job);
    assert_eq!(job(5, (0.0, 0.0), 0), Some(0));
    assert_eq!(job(55, (0.2, 0.2), 0), Some(3));
    assert_eq!(job(40, (0.0, 0.0), 0), None, "between two runs of lane 0");
    assert_eq!(
        job(40, (0.0, 0.0), 10),
        Some(3),
        "11 ms after job 0's last ms, 10 before job 3: the nearer"
    );
    assert_eq!(
        job(39, (0.0, 0.0), 20),
        Some(0),
        "10 ms after job 0's last ms (29), 11 before job 3"
    );
    assert_eq!(job(20, (2.0, 2.0), 0), Some(2));
    assert_eq!(job(21, (2.0, 2.0), 0), None, "the end is exclusive");
    // A pixel covering lanes 0..2 at t = 20: jobs 0, 1 and 2 are all under
    // it; job 2 starts last, so it is the one drawn on top.
    assert_eq!(job(20, (0.0, 2.0), 0), Some(2));
    assert_eq!(job(50, (5.0, 6.0), 100), None, "below the last lane");
    assert_eq!(job(50, (-3.0, -1.0), 100), None, "above the first lane");
    assert_eq!(
        LaneIndex::new(&RunLayout::default()).bar_at(&l, 5, (0.0, 0.0), 0),
        None
    );
}
