//! The history hash of a run, computed a piece at a time ([`HashJob`]).
//!
//! The page shows the hash of the moment it stands at, so a visitor can check that
//! `nextnumber run --link` reproduces the very run. The hash walks the whole history, which
//! an hour of heavy traffic makes hundreds of thousands of records long: done at once it
//! would hold the page for longer than a frame. A job holds a snapshot of the run (a clone:
//! its records and registers are chunks shared with the live run, so it costs what changes
//! meanwhile) and walks it a bounded number of items per call, so the page spreads it over
//! frames and stays responsive; the result is exactly `Simulation::history().hash()`.

use super::Simulation;
use crate::history::{Hasher, HISTORY_FORMAT};
use crate::ids::NodeId;

/// A history hash being computed.
#[derive(Clone)]
pub struct HashJob {
    sim: Simulation,
    hasher: Hasher,
    /// Where the walk stands: the requests, then each branch's applied Numbers.
    part: Part,
}

#[derive(Copy, Clone, Debug)]
enum Part {
    Requests { next: usize },
    Applied { branch: usize, next: usize },
}

impl HashJob {
    pub(super) fn new(sim: Simulation) -> HashJob {
        let mut hasher = Hasher::start(HISTORY_FORMAT, sim.seed, &sim.config);
        hasher.u64(sim.records().len() as u64);
        HashJob { sim, hasher, part: Part::Requests { next: 0 } }
    }

    /// Walks at most `items` records or applied Numbers; the hash once the walk is over.
    pub fn work(&mut self, mut items: usize) -> Option<u64> {
        while items > 0 {
            match self.part {
                Part::Requests { next } => {
                    let records = self.sim.records();
                    let end = (next + items).min(records.len());
                    records.range(next..end).for_each(|r| self.hasher.record(r));
                    items -= end - next;
                    self.part = if end < records.len() {
                        Part::Requests { next: end }
                    } else {
                        self.hasher.u64(self.sim.config.branches as u64);
                        self.begin_branch(0)
                    };
                }
                Part::Applied { branch, .. } if branch == self.sim.config.branches => break,
                Part::Applied { branch, next } => {
                    let seq = &self.sim.replica(NodeId(branch as u8)).register.sequence;
                    let end = (next + items).min(seq.len());
                    seq.range(next..end).for_each(|&(r, n)| self.hasher.applied(r, n.0));
                    items -= end - next;
                    self.part = if end < seq.len() {
                        Part::Applied { branch, next: end }
                    } else {
                        self.begin_branch(branch + 1)
                    };
                }
            }
        }
        match self.part {
            Part::Applied { branch, .. } if branch == self.sim.config.branches => {
                Some(self.hasher.clone().leaders(self.sim.monitor.leader_log()))
            }
            _ => None,
        }
    }

    fn begin_branch(&mut self, branch: usize) -> Part {
        if branch < self.sim.config.branches {
            let b = NodeId(branch as u8);
            self.hasher.branch(b, self.sim.replica(b).register.sequence.len());
        }
        Part::Applied { branch, next: 0 }
    }

    /// The moment of the run being hashed.
    pub fn tick(&self) -> u64 {
        self.sim.now.0
    }
}

impl Simulation {
    /// Starts computing this moment's history hash, to be walked a piece at a time; refused
    /// once the run's first requests are forgotten, since the hash covers every request.
    pub fn hash_job(&self) -> Result<HashJob, String> {
        match self.requests_forgotten() {
            0 => Ok(HashJob::new(self.clone())),
            n => Err(format!("the first {n} requests are no longer kept, so the history hash cannot be computed")),
        }
    }
}
