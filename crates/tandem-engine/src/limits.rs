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
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
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
        // Forget keys whose failures are all older than the window, so the map cannot grow forever.
        if map.len() > 10_000 {
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        for key in keys {
            map.entry((*key).to_owned()).or_default().push_back(now);
        }
    }

    /// Counts one use for every key, unless one of them has used up the window already:
    /// `Err(seconds to wait)` then, and nothing is counted.
    pub(crate) fn admit(&self, keys: &[&str]) -> Result<(), u64> {
        match self.blocked(keys) {
            Some(wait) => Err(wait),
            None => {
                self.fail(keys);
                Ok(())
            }
        }
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
