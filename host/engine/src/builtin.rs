//! The first-party plug-ins, built from `plugins/` by the build script and
//! embedded, so the binary can run its demo org and benchmarks alone.

use crate::runtime::Slot;

mod built {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

/// A first-party plug-in embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Its name.
    pub name: &'static str,
    /// The slot it fills.
    pub slot: Slot,
    /// The component.
    pub bytes: &'static [u8],
    /// Where the build put the component file.
    pub path: &'static str,
}

/// The first-party plug-in of each slot: what a new org starts with.
pub const ALL: [Builtin; 3] = [BANT_QUALIFIER, STANDARD_NURTURE, ROUND_ROBIN];

/// The other first-party routing policies, for an org to choose.
pub const OTHER_ROUTING_POLICIES: [Builtin; 2] = [WEIGHTED, CAPACITY_AWARE];

/// `standard-matching`: a duplicate rule (WIT 0.2.0) taking an address
/// variant (`j.weber@`/`jonas.weber@`), the same name at the same company,
/// or the same phone for the same person. Not in [`ALL`]: an org turns
/// matching on by naming it in `[plugins.duplicate-rule]`.
pub const STANDARD_MATCHING: Builtin = Builtin {
    name: "standard-matching",
    slot: Slot::DuplicateRule,
    bytes: built::STANDARD_MATCHING,
    path: built::STANDARD_MATCHING_PATH,
};

/// `weighted`: shares in proportion to each rep's weight.
pub const WEIGHTED: Builtin = Builtin {
    name: "weighted",
    slot: Slot::RoutingPolicy,
    bytes: built::WEIGHTED,
    path: built::WEIGHTED_PATH,
};

/// `capacity-aware`: the rep with the most room relative to capacity.
pub const CAPACITY_AWARE: Builtin = Builtin {
    name: "capacity-aware",
    slot: Slot::RoutingPolicy,
    bytes: built::CAPACITY_AWARE,
    path: built::CAPACITY_AWARE_PATH,
};

/// `bant-qualifier`: BANT scoring with behaviour; discards on agreed criteria.
pub const BANT_QUALIFIER: Builtin = Builtin {
    name: "bant-qualifier",
    slot: Slot::LeadDefinition,
    bytes: built::BANT_QUALIFIER,
    path: built::BANT_QUALIFIER_PATH,
};

/// `standard-nurture`: tracks chosen by qualification; every touch asks a question.
pub const STANDARD_NURTURE: Builtin = Builtin {
    name: "standard-nurture",
    slot: Slot::NurtureTrack,
    bytes: built::STANDARD_NURTURE,
    path: built::STANDARD_NURTURE_PATH,
};

/// `round-robin`: account owner, then territory, then the longest-waiting rep.
pub const ROUND_ROBIN: Builtin = Builtin {
    name: "round-robin",
    slot: Slot::RoutingPolicy,
    bytes: built::ROUND_ROBIN,
    path: built::ROUND_ROBIN_PATH,
};

/// `script-qualify`, `script-nurture`, `script-route`: run an admin's Rhai
/// script (`.rhai` in an org's folder) for one slot, inside the sandbox.
pub const SCRIPT_RUNNERS: [Builtin; 3] = [
    Builtin {
        name: "script-qualify",
        slot: Slot::LeadDefinition,
        bytes: built::SCRIPT_QUALIFY,
        path: built::SCRIPT_QUALIFY_PATH,
    },
    Builtin {
        name: "script-nurture",
        slot: Slot::NurtureTrack,
        bytes: built::SCRIPT_NURTURE,
        path: built::SCRIPT_NURTURE_PATH,
    },
    Builtin {
        name: "script-route",
        slot: Slot::RoutingPolicy,
        bytes: built::SCRIPT_ROUTE,
        path: built::SCRIPT_ROUTE_PATH,
    },
];

/// The script component of `slot`; `None` for the duplicate rule, which
/// no admin script fills (a rule sees other leads' data: it is a
/// component an org reviews, not a few lines edited in place).
pub fn script_runner(slot: Slot) -> Option<Builtin> {
    SCRIPT_RUNNERS
        .into_iter()
        .find(|runner| runner.slot == slot)
}

/// The example input of each slot (`examples/eval`), shipped in the
/// binary: what `plugin check` times a call on, and what a script must
/// answer before it may serve.
pub const SAMPLE_QUALIFY: &str = include_str!("../../../examples/eval/qualify/strong-lead.json");
/// The nurture slot's example input.
pub const SAMPLE_NURTURE: &str = include_str!("../../../examples/eval/nurture/nurture.json");
/// The routing slot's example input.
pub const SAMPLE_ROUTE: &str = include_str!("../../../examples/eval/route/route.json");
/// The duplicate rule's example input.
pub const SAMPLE_MATCH: &str = include_str!("../../../examples/eval/match/match.json");

/// The example input of `slot`.
pub fn sample_input(slot: Slot) -> &'static str {
    match slot {
        Slot::LeadDefinition => SAMPLE_QUALIFY,
        Slot::NurtureTrack => SAMPLE_NURTURE,
        Slot::RoutingPolicy => SAMPLE_ROUTE,
        Slot::DuplicateRule => SAMPLE_MATCH,
    }
}
