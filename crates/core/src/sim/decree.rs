//! The essay's higher authority (issue 12, part 4): `decree X` names X the Main Office.
//! The authority stands outside the branches and sees them all, so it names a term above
//! every one in use and can say, before anything happens, what the decree can achieve:
//! whether X reaches a majority at all (if not, no decree helps: CAP), and whether enough
//! of them would vote for X's register (§5.4.1). The branches decide, not this verdict:
//! it is what the page and the trace tell the visitor.

use super::Simulation;
use crate::config::Variant;
use crate::ids::*;
use crate::replica::{quorum_of, Input, Replica, Role};

impl Simulation {
    /// A higher authority declares `b` the Main Office.
    pub(super) fn decree(&mut self, b: NodeId) -> Result<(), String> {
        if !self.up[b.index()] {
            return Err(format!("branch {b} has burnt down: no decree puts a closed branch in office"));
        }
        let highest = self.replicas.iter().map(|r| r.disk.term.0).max().unwrap_or(0);
        let term = Term(highest + 1);
        let verdict = self.decree_verdict(b, term);
        self.trace_node(b, "decree", format_args!("{verdict}"));
        self.decrees[b.index()] = Some((self.now, verdict));
        self.step_replica(b, Input::Decree { term });
        Ok(())
    }

    /// What the last decree naming `b` could achieve, and when it was made.
    pub fn decree_of(&self, b: NodeId) -> Option<&(Tick, String)> {
        self.decrees.get(b.index())?.as_ref()
    }

    fn decree_verdict(&self, b: NodeId, term: Term) -> String {
        let n = self.config.branches;
        let x = &self.replicas[b.index()];
        if x.role == Role::Leader {
            return format!("{b} is already the Main Office (term {})", x.disk.term.0);
        }
        if self.config.has(Variant::ObeyDecree) {
            return format!("{b} leads term {} by decree, without a vote; every branch must obey it", term.0);
        }
        let reach: Vec<&Replica> = NodeId::all(n)
            .filter(|o| self.up[o.index()] && (*o == b || self.net.two_way(b, *o)))
            .map(|o| &self.replicas[o.index()])
            .collect();
        let q = quorum_of(n);
        if reach.len() < q {
            return format!(
                "Office closed until further notice: {b} reaches {} of {n} branches and a majority is {q}. \
                 No decree can open it without giving up consistency (CAP).",
                reach.len()
            );
        }
        // §5.4.1: a voter grants its vote only to a register at least as up to date as its own.
        let newer =
            |r: &Replica| (r.term_at(r.last_index()), r.last_index()) > (x.term_at(x.last_index()), x.last_index());
        let voters = reach.iter().filter(|r| !newer(r)).count();
        match reach.iter().filter(|r| newer(r)).max_by_key(|r| (r.term_at(r.last_index()), r.last_index())) {
            Some(ahead) if voters < q => {
                format!("{b} cannot win: {}; {voters} of the {q} votes it needs would come", lacks(x, ahead))
            }
            _ => format!("{b} stands for election in term {}: {voters} branches can vote for it, {q} needed", term.0),
        }
    }
}

/// What `x`'s register lacks that `ahead`'s holds: the first Number `ahead` issued from an
/// entry past their common prefix, or else that entry itself.
fn lacks(x: &Replica, ahead: &Replica) -> String {
    let common = (1..=x.last_index().0.min(ahead.last_index().0))
        .take_while(|&i| x.term_at(LogIndex(i)) == ahead.term_at(LogIndex(i)))
        .count() as u64;
    let issued = &ahead.register.issued_at;
    let number = (0..issued.len()).find(|&k| issued[k].0 > common).map(|k| k + 1);
    let (who, them) = (x.id, ahead.id);
    match number {
        Some(k) => format!("{who}'s register lacks Number {k}, which {them} holds"),
        None => {
            let at = LogIndex(common + 1);
            format!("{who}'s register lacks entry {} of term {}, which {them} holds", at.0, ahead.term_at(at).0)
        }
    }
}
