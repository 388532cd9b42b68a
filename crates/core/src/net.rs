//! The roads between branches: every directed link has its own state, so a one-way cut
//! (A hears B, B does not hear A) is as easy to make as a full one.

use crate::config::{check_pct, check_range, limits, Config};
use crate::ids::NodeId;
use serde::Serialize;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub up: bool,
    pub latency_min_ms: u64,
    pub latency_max_ms: u64,
    pub loss_pct: u8,
    pub dup_pct: u8,
}

#[derive(Clone, Debug)]
pub struct Network {
    n: usize,
    links: Vec<Link>,
}

impl Network {
    pub fn new(config: &Config) -> Network {
        let link = Link {
            up: true,
            latency_min_ms: config.latency_min_ms,
            latency_max_ms: config.latency_max_ms,
            loss_pct: config.loss_pct,
            dup_pct: config.dup_pct,
        };
        Network { n: config.branches, links: vec![link; config.branches * config.branches] }
    }

    pub fn link(&self, from: NodeId, to: NodeId) -> &Link {
        &self.links[from.index() * self.n + to.index()]
    }

    pub fn link_mut(&mut self, from: NodeId, to: NodeId) -> &mut Link {
        &mut self.links[from.index() * self.n + to.index()]
    }

    /// Every directed link (from ≠ to), in a fixed order.
    pub fn pairs(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        NodeId::all(self.n).flat_map(move |a| NodeId::all(self.n).filter(move |b| *b != a).map(move |b| (a, b)))
    }

    pub fn set_up(&mut self, from: NodeId, to: NodeId, up: bool) {
        self.link_mut(from, to).up = up;
    }

    /// Cuts every link into and out of `node`.
    pub fn isolate(&mut self, node: NodeId) {
        for other in NodeId::all(self.n).filter(|o| *o != node) {
            self.set_up(node, other, false);
            self.set_up(other, node, false);
        }
    }

    /// The flood: links inside a group come up, links between groups are cut.
    /// A branch named in no group forms a group of its own.
    pub fn split(&mut self, groups: &[Vec<NodeId>]) {
        let group_of = |x: NodeId| groups.iter().position(|g| g.contains(&x));
        let pairs: Vec<_> = self.pairs().collect();
        for (a, b) in pairs {
            let same = matches!((group_of(a), group_of(b)), (Some(ga), Some(gb)) if ga == gb);
            self.set_up(a, b, same);
        }
    }

    pub fn heal(&mut self) {
        for l in &mut self.links {
            l.up = true;
        }
    }

    pub fn set_latency(&mut self, from: NodeId, to: NodeId, min: u64, max: u64) -> Result<(), String> {
        check_range("latency", min, max, 1, limits::MAX_LATENCY_MS)?;
        let l = self.link_mut(from, to);
        l.latency_min_ms = min;
        l.latency_max_ms = max;
        Ok(())
    }

    pub fn set_loss(&mut self, from: NodeId, to: NodeId, pct: u8) -> Result<(), String> {
        check_pct("loss", pct, 100)?;
        self.link_mut(from, to).loss_pct = pct;
        Ok(())
    }

    pub fn set_dup(&mut self, from: NodeId, to: NodeId, pct: u8) -> Result<(), String> {
        check_pct("duplication", pct, 100)?;
        self.link_mut(from, to).dup_pct = pct;
        Ok(())
    }

    /// Can `a` and `b` exchange messages both ways over their direct link?
    pub fn two_way(&self, a: NodeId, b: NodeId) -> bool {
        a == b || (self.link(a, b).up && self.link(b, a).up)
    }
}
