//! What a simulation's heap is made of, measured rather than estimated: issue 16 asks which
//! of a long run's records hold its memory, and `approx_bytes` only estimates the whole.

use super::Simulation;

impl Simulation {
    /// Drops this simulation one part at a time and returns the bytes each part freed, as
    /// `live` (a counting allocator's live bytes) sees them. Only exact for a simulation
    /// that shares nothing: a chunk a snapshot also holds is not freed by the drop.
    pub fn drop_by_parts(self, live: &dyn Fn() -> usize) -> Vec<(&'static str, usize)> {
        let mut parts = Vec::new();
        let mut freed = |name: &'static str, drop: &mut dyn FnMut()| {
            let before = live();
            drop();
            parts.push((name, before.saturating_sub(live())));
        };
        let Simulation {
            mut replicas,
            customers,
            monitor,
            history_check,
            liveness,
            trace,
            spacetime,
            queue,
            in_flight,
            ..
        } = self;
        let (mut logs, mut sequences, mut tables) = (Vec::new(), Vec::new(), Vec::new());
        for r in &mut replicas {
            logs.push(std::mem::take(&mut r.disk.log));
            sequences.push((std::mem::take(&mut r.register.sequence), std::mem::take(&mut r.register.issued_at)));
            tables.push(std::mem::take(&mut r.register.table));
        }
        freed("branch logs", &mut || drop(std::mem::take(&mut logs)));
        freed("applied sequences", &mut || drop(std::mem::take(&mut sequences)));
        freed("applied tables", &mut || drop(std::mem::take(&mut tables)));
        freed("branches, the rest", &mut || drop(std::mem::take(&mut replicas)));
        let (mut list, mut records) = customers.into_parts();
        freed("request records", &mut || drop(std::mem::take(&mut records)));
        freed("customers and their indexes", &mut || drop(std::mem::take(&mut list)));
        let mut monitor = Some(monitor);
        freed("online monitor", &mut || drop(monitor.take()));
        let mut history_check = Some(history_check);
        freed("history checker", &mut || drop(history_check.take()));
        let mut recorders = Some((liveness, trace, spacetime));
        freed("recorders (liveness, trace, space-time)", &mut || drop(recorders.take()));
        let mut queue = Some((queue, in_flight));
        freed("event queue and messages", &mut || drop(queue.take()));
        parts
    }
}
