//! Sliding-window counters per key: failed logins (to slow down password guessing) and what the
//! widget may do per client and per conversation (to keep one client from flooding the bot).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct Throttle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub(crate) fn new(max_failures: usize, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds to wait)` when any of the keys has used up its failures.
    pub(crate) fn blocked(&self, keys: &[&str]) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for key in keys {
            if let Some(times) = map.get_mut(*key) {
                self.expire(times, now);
                if times.len() >= self.max_failures {
                    if let Some(oldest) = times.front() {
                        let left = self.window.saturating_sub(now.duration_since(*oldest));
                        wait = Some(wait.unwrap_or(0).max(left.as_secs().max(1)));
                    }
                }
            }
        }
        wait
    }

    pub(crate) fn fail(&self, keys: &[&str]) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        self.record(&mut map, keys, 1, now);
    }

    /// Drops the uses of one key that have left the window.
    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
    }

    /// Counts `n` uses for every key now.
    fn record(&self, map: &mut HashMap<String, VecDeque<Instant>>, keys: &[&str], n: usize, now: Instant) {
        // Forget keys whose uses are all older than the window, so the map cannot grow forever.
        if map.len() > 10_000 {
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        for key in keys {
            map.entry((*key).to_owned())
                .or_default()
                .extend(std::iter::repeat_n(now, n));
        }
    }

    /// Counts one use for every key, unless one of them has used up the window already:
    /// `Err(seconds to wait)` then, and nothing is counted.
    pub(crate) fn admit(&self, keys: &[&str]) -> Result<(), u64> {
        self.admit_n(keys, 1)
    }

    /// Counts `n` uses for every key at once (a weight, e.g. MiB of a file), unless that would
    /// take one of them past its window's limit: `Err(seconds to wait)` then, and nothing is
    /// counted. A weight larger than the whole limit is never admitted (`Err` with the window).
    pub(crate) fn admit_n(&self, keys: &[&str], n: usize) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if n > self.max_failures {
            return Err(self.window.as_secs().max(1));
        }
        let mut wait = None;
        for key in keys {
            let Some(times) = map.get_mut(*key) else {
                continue;
            };
            self.expire(times, now);
            if times.len() + n > self.max_failures {
                // Room comes back as the oldest uses leave the window.
                let freed_by = times.len() + n - self.max_failures;
                if let Some(t) = times.get(freed_by.saturating_sub(1)) {
                    let left = self.window.saturating_sub(now.duration_since(*t));
                    wait = Some(wait.unwrap_or(0).max(left.as_secs().max(1)));
                }
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        // Checked and counted under one lock: two callers cannot both take the last place.
        self.record(&mut map, keys, n, now);
        Ok(())
    }

    pub(crate) fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weighted_use_counts_its_weight_and_never_more_than_the_limit() {
        let t = Throttle::new(10, Duration::from_secs(60));
        assert_eq!(t.admit_n(&["a"], 4), Ok(()));
        assert_eq!(t.admit_n(&["a"], 6), Ok(()));
        // Full: nothing more, and a refused use counts nothing.
        assert!(t.admit_n(&["a"], 1).is_err());
        assert!(t.admit_n(&["b"], 11).is_err());
        assert_eq!(t.admit_n(&["b"], 10), Ok(()));
        assert!(t.blocked(&["b"]).is_some());
        assert!(t.blocked(&["c"]).is_none());
    }

    #[test]
    fn blocks_after_max_failures_and_clears() {
        let t = Throttle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            t.fail(&["a", "ip"]);
        }
        assert_eq!(t.blocked(&["a"]), None);
        t.fail(&["a"]);
        assert!(t.blocked(&["a"]).is_some_and(|s| (1..=60).contains(&s)));
        assert_eq!(t.blocked(&["ip"]), None);
        t.clear("a");
        assert_eq!(t.blocked(&["a"]), None);
    }

    #[test]
    fn admits_up_to_the_limit_then_says_how_long_to_wait() {
        let t = Throttle::new(2, Duration::from_secs(60));
        assert_eq!(t.admit(&["c"]), Ok(()));
        assert_eq!(t.admit(&["c"]), Ok(()));
        assert!(t.admit(&["c"]).is_err_and(|s| (1..=60).contains(&s)));
        assert_eq!(t.admit(&["d"]), Ok(()), "other keys are not affected");
    }
}
