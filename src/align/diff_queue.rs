//! Word diffs of the changed pairs, computed while the matcher is still pairing. Most passes of
//! the matcher run on one thread; a helper thread takes the pairs whose text changed as they
//! are made and diffs them on the other core. When matching is done, both threads finish what
//! is left. A redline depends only on the two texts and the settings, so who computes it and
//! when changes nothing in the result.

use std::sync::{Condvar, Mutex, PoisonError};

use crate::model::{Bill, ClauseIdx};
use crate::redline::{word_diff, Redline, RedlineConfig};

/// Pairs handed over at once by the matcher (fewer wake-ups of the helper).
const HAND_OVER: usize = 64;
/// Text a thread takes at once from the queue, in bytes (small enough that both threads end
/// together, large enough that the lock is rarely taken).
const TAKE_BYTES: usize = 16 * 1024;

/// The queue of (old, new) pairs to diff, shared by the matcher and the helper.
pub(super) struct DiffQueue<'a> {
    old: &'a Bill,
    new: &'a Bill,
    config: &'a RedlineConfig,
    state: Mutex<State>,
    more: Condvar,
}

#[derive(Default)]
struct State {
    jobs: Vec<(ClauseIdx, ClauseIdx)>,
    /// Jobs before this one are taken.
    next: usize,
    /// No more jobs will come.
    closed: bool,
}

/// Closes its queue when dropped, also on unwinding.
pub(super) struct Closer<'q, 'a>(&'q DiffQueue<'a>);

impl Drop for Closer<'_, '_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Redlines computed by one thread: (old, new, redline).
pub(super) type Done = Vec<(ClauseIdx, ClauseIdx, Redline)>;

impl<'a> DiffQueue<'a> {
    pub(super) fn new(old: &'a Bill, new: &'a Bill, config: &'a RedlineConfig) -> Self {
        DiffQueue {
            old,
            new,
            config,
            state: Mutex::new(State::default()),
            more: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic in a diff poisons nothing the queue relies on: the jobs list stays whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds the pending pairs to the queue once there are enough of them (all of them with
    /// `now`).
    pub(super) fn hand_over(&self, pending: &mut Vec<(ClauseIdx, ClauseIdx)>, now: bool) {
        if pending.is_empty() || (!now && pending.len() < HAND_OVER) {
            return;
        }
        self.lock().jobs.append(pending);
        self.more.notify_one();
    }

    /// Says that no more pairs will come: threads working the queue return once it is empty.
    /// What is left is put longest first, so that the threads finishing it end together.
    pub(super) fn close(&self) {
        let mut state = self.lock();
        if !state.closed {
            state.closed = true;
            let next = state.next;
            state.jobs[next..].sort_by_cached_key(|&job| std::cmp::Reverse(self.text_len(job)));
        }
        drop(state);
        self.more.notify_all();
    }

    /// A guard that closes the queue when dropped (`close` may be called again).
    pub(super) fn closer(&self) -> Closer<'_, 'a> {
        Closer(self)
    }

    fn text_len(&self, (o, n): (ClauseIdx, ClauseIdx)) -> usize {
        let (oc, nc) = (&self.old.clauses[o], &self.new.clauses[n]);
        oc.text.len()
            + oc.heading.as_ref().map_or(0, |h| h.len())
            + nc.text.len()
            + nc.heading.as_ref().map_or(0, |h| h.len())
    }

    /// Diffs pairs from the queue until it is closed and empty; waits for more while it is
    /// open. Returns what this thread computed.
    pub(super) fn work(&self) -> Done {
        let mut done = Done::new();
        let mut taken: Vec<(ClauseIdx, ClauseIdx)> = Vec::new();
        loop {
            taken.clear();
            {
                let mut state = self.lock();
                while state.next == state.jobs.len() && !state.closed {
                    state = self
                        .more
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if state.next == state.jobs.len() {
                    return done;
                }
                let mut bytes = 0;
                while state.next < state.jobs.len() && bytes < TAKE_BYTES {
                    let job = state.jobs[state.next];
                    bytes += self.text_len(job);
                    taken.push(job);
                    state.next += 1;
                }
            }
            for &(o, n) in &taken {
                let redline = word_diff(
                    &self.old.clauses[o].full_text(),
                    &self.new.clauses[n].full_text(),
                    self.config,
                );
                done.push((o, n, redline));
            }
        }
    }
}
