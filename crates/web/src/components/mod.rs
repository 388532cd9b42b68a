//! One component per file. Each renders part of the core's view; gestures leave as `Msg`s.

pub mod branch;
pub mod branches;
pub mod checker;
pub mod controls;
pub mod desk;
pub mod link;
pub mod map;

use nextnumber_core::replica::Role;
use nextnumber_core::view::BranchView;

/// The essay's word for a role.
pub fn role_name(b: &BranchView) -> &'static str {
    match (b.up, b.role) {
        (false, _) => "closed (down)",
        (true, Role::Leader) => "Main Office",
        (true, Role::Candidate) => "candidate",
        (true, Role::Follower) => "branch",
    }
}

/// Everything the map shows about a branch, as one sentence for screen readers.
pub fn branch_status(b: &BranchView) -> String {
    let reach = match (b.up, b.reaches_majority) {
        (false, _) => "",
        (true, true) => ", reaches a majority",
        (true, false) => ", cut off from the majority: read-only",
    };
    format!("Branch {}: {}, term {}, last Number {}{}", b.id, role_name(b), b.term.0, b.last_number.0, reach)
}
