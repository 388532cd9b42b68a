//! The charts' data, from the history of requests: Numbers issued per simulated second and
//! the latency of the requests answered, median and 99th percentile, per time window. The
//! cost of pigeon mail and the gap while a new Main Office is elected show at a glance.
//!
//! Pure functions of [`RequestRecord`]s (a [`crate::History`]'s, or
//! [`crate::Simulation::records`] as the run goes), so they follow a time-travel jump by
//! themselves. A request counts in the window in which its customer heard the answer.

use crate::history::{Outcome, RequestKind, RequestRecord};
use serde::Serialize;

/// Window widths, in simulated ms, from which [`series`] picks the narrowest that fits.
pub const WINDOWS_MS: [u64; 16] = [
    100,
    250,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    1_800_000,
    3_600_000,
    6 * 3_600_000,
    24 * 3_600_000,
];

/// The most windows a series may have (a chart's width in pixels, or fewer).
pub const MAX_WINDOWS: usize = 2_000;

/// One window of the charts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct ChartWindow {
    /// Its first tick; it ends where the next begins.
    pub start: u64,
    /// Numbers customers were told in this window.
    pub numbers: u32,
    /// Numbers per simulated second, ×1000 (an integer: no float is formatted in the page).
    pub numbers_per_sec_milli: u64,
    /// Requests answered (a Number or a read) in this window.
    pub answered: u32,
    /// Their latency (answer minus first asking), by the nearest-rank method; none if no
    /// request was answered in the window.
    pub latency_p50_ms: Option<u64>,
    pub latency_p99_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct ChartSeries {
    pub window_ms: u64,
    /// From tick 0 up to `until`, in order: `windows[i]` starts at `i × window_ms`.
    pub windows: Vec<ChartWindow>,
}

/// The charts from tick 0 to `until` in at most `max_windows` windows (1 to
/// [`MAX_WINDOWS`]; larger is taken as the maximum) of the narrowest width of
/// [`WINDOWS_MS`] that fits (the widest when none does).
pub fn series<'a>(records: impl IntoIterator<Item = &'a RequestRecord>, until: u64, max_windows: usize) -> ChartSeries {
    let max_windows = max_windows.clamp(1, MAX_WINDOWS) as u64;
    let span = until.max(1);
    let window_ms = WINDOWS_MS
        .iter()
        .copied()
        .find(|w| span.div_ceil(*w) <= max_windows)
        .unwrap_or(WINDOWS_MS[WINDOWS_MS.len() - 1]);
    series_with(records, until, window_ms)
}

/// The charts from tick 0 to `until` in windows of `window_ms` (at least 1; the series is
/// cut at [`MAX_WINDOWS`] windows).
pub fn series_with<'a>(
    records: impl IntoIterator<Item = &'a RequestRecord>,
    until: u64,
    window_ms: u64,
) -> ChartSeries {
    let window_ms = window_ms.max(1);
    let count = until.max(1).div_ceil(window_ms).min(MAX_WINDOWS as u64) as usize;
    let mut windows: Vec<ChartWindow> =
        (0..count).map(|i| ChartWindow { start: i as u64 * window_ms, ..ChartWindow::default() }).collect();
    let mut latencies: Vec<Vec<u64>> = vec![Vec::new(); count];
    for r in records {
        let Some(done) = r.complete else { continue };
        let i = (done / window_ms) as usize;
        if done > until || i >= count {
            continue;
        }
        let answered = match (&r.kind, &r.result) {
            (RequestKind::Issue, Some(Outcome::Number { .. })) => {
                windows[i].numbers += 1;
                true
            }
            (RequestKind::Read, Some(Outcome::Read { .. })) => true,
            _ => false,
        };
        if answered {
            windows[i].answered += 1;
            latencies[i].push(done.saturating_sub(r.invoke));
        }
    }
    for (w, mut l) in windows.iter_mut().zip(latencies) {
        w.numbers_per_sec_milli = w.numbers as u64 * 1_000_000 / window_ms;
        l.sort_unstable();
        w.latency_p50_ms = percentile(&l, 50);
        w.latency_p99_ms = percentile(&l, 99);
    }
    ChartSeries { window_ms, windows }
}

/// The nearest-rank `p`th percentile of sorted values: the smallest value at least `p` % of
/// them do not exceed.
pub fn percentile(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() as u64 * p).div_ceil(100).max(1) as usize;
    Some(sorted[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ClientId, NodeId, RequestId};

    fn record(seq: u32, invoke: u64, complete: Option<u64>, result: Option<Outcome>) -> RequestRecord {
        RequestRecord {
            request: RequestId { client: ClientId(1), seq },
            client: ClientId(1),
            branch: NodeId(0),
            kind: if matches!(result, Some(Outcome::Read { .. })) { RequestKind::Read } else { RequestKind::Issue },
            invoke,
            complete,
            result,
            retry_of: None,
            attempts: 1,
            critical: None,
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 99), Some(7));
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), Some(50));
        assert_eq!(percentile(&v, 99), Some(99));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 99), Some(4));
    }

    #[test]
    fn windows_count_numbers_and_latency_where_the_answer_came() {
        let n = |k| Some(Outcome::Number { number: k });
        let records = [
            record(1, 100, Some(300), n(1)),
            record(2, 200, Some(900), n(2)),
            record(3, 1_100, Some(1_150), n(3)),
            record(4, 1_200, Some(1_700), Some(Outcome::Read { read: 3, linearizable: true })),
            record(5, 1_300, None, None),
            record(6, 1_400, Some(2_500), Some(Outcome::Error { error: "no".into() })),
            record(7, 2_000, Some(5_000), n(4)),
        ];
        let s = series_with(&records, 3_000, 1_000);
        assert_eq!(s.windows.len(), 3);
        let w = &s.windows;
        assert_eq!((w[0].start, w[0].numbers, w[0].answered), (0, 2, 2));
        assert_eq!(w[0].numbers_per_sec_milli, 2_000);
        assert_eq!((w[0].latency_p50_ms, w[0].latency_p99_ms), (Some(200), Some(700)));
        assert_eq!((w[1].numbers, w[1].answered), (1, 2));
        assert_eq!((w[1].latency_p50_ms, w[1].latency_p99_ms), (Some(50), Some(500)));
        // The error is not an answer; the Number told at 5000 is past the end.
        assert_eq!((w[2].numbers, w[2].answered, w[2].latency_p50_ms), (0, 0, None));
        assert_eq!(series_with(&records, 6_000, 1_000).windows[5].numbers, 1);
    }

    #[test]
    fn the_window_width_fits_the_run() {
        assert_eq!(series(&[], 60_000, 600).window_ms, 100);
        assert_eq!(series(&[], 3_600_000, 600).window_ms, 10_000);
        assert_eq!(series(&[], 3_600_000, 100_000).windows.len(), 3_600_000 / 2_000);
        let month = crate::config::limits::MAX_TICK;
        let s = series(&[], month, 1);
        assert_eq!(s.window_ms, 24 * 3_600_000);
        assert!(s.windows.len() <= MAX_WINDOWS);
        assert_eq!(series(&[], 0, 10).windows.len(), 1);
    }
}
