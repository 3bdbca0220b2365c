//! Builds the first-party plug-ins to Wasm components and embeds them, so the
//! `leadhost` binary can run its demo org and benchmarks with nothing else.

use leadhost_guest_build::{Guest, build};

fn main() {
    build(&[
        Guest {
            package: "bant-qualifier",
            purpose: "lead definition scoring budget, authority, need, timeline and behaviour.",
            embed: true,
        },
        Guest {
            package: "standard-nurture",
            purpose: "nurture tracks chosen by qualification; every touch asks a question.",
            embed: true,
        },
        Guest {
            package: "round-robin",
            purpose: "routing policy: account owner, then territory, then the longest-waiting rep.",
            embed: true,
        },
        Guest {
            package: "weighted",
            purpose: "routing policy: shares in proportion to each rep's weight.",
            embed: true,
        },
        Guest {
            package: "capacity-aware",
            purpose: "routing policy: the rep with the most room relative to capacity.",
            embed: true,
        },
        Guest {
            package: "standard-matching",
            purpose: "duplicate rule (WIT 0.2.0): address variants, name and company, phone.",
            embed: true,
        },
        Guest {
            package: "script-qualify",
            purpose: "runs an admin's `qualify` Rhai script inside the sandbox.",
            embed: true,
        },
        Guest {
            package: "script-nurture",
            purpose: "runs an admin's `next_step` Rhai script inside the sandbox.",
            embed: true,
        },
        Guest {
            package: "script-route",
            purpose: "runs an admin's `route` Rhai script inside the sandbox.",
            embed: true,
        },
    ]);
}
