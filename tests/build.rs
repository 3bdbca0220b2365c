//! Builds the hostile and probing plug-ins under `fixtures/` from source,
//! and refuses any fixture that no test uses.

use std::path::Path;

use leadhost_guest_build::{Guest, build, require_used};

const FIXTURES: [Guest; 13] = [
    Guest {
        package: "fixture-infinite-loop",
        purpose: "never returns; fuel or the deadline must stop it.",
        embed: false,
    },
    Guest {
        package: "fixture-memory-bomb",
        purpose: "allocates until the memory limit refuses it.",
        embed: false,
    },
    Guest {
        package: "fixture-panic",
        purpose: "panics; its message must reach the error.",
        embed: false,
    },
    Guest {
        package: "fixture-logged-trap",
        purpose: "logs an exception with its file and line, then traps with no stderr (as Python built with --stub-wasi): the log line must reach the error.",
        embed: false,
    },
    Guest {
        package: "fixture-huge-output",
        purpose: "answers with ~1 MB of reasons, over the output limit.",
        embed: false,
    },
    Guest {
        package: "fixture-nonsense-router",
        purpose: "routing policy assigning to an empty rep id.",
        embed: false,
    },
    Guest {
        package: "fixture-net-access",
        purpose: "imports wasi:sockets, which the host does not grant.",
        embed: false,
    },
    Guest {
        package: "fixture-sandbox-probe",
        purpose: "reports the clock, random, env, args and files it sees.",
        embed: false,
    },
    Guest {
        package: "fixture-blocker",
        purpose: "sleeps, reads stdin, prints, refuses or answers big: must never block or copy past the limits.",
        embed: false,
    },
    Guest {
        package: "fixture-past-waker",
        purpose: "nurture track asking to wake a day in the past: clamped to the minimum interval.",
        embed: false,
    },
    Guest {
        package: "fixture-wit-0-1-1",
        purpose: "lead definition built against the test-only WIT 0.1.1 (tests/wit): must load, decide and be recorded as 0.1.1.",
        embed: false,
    },
    Guest {
        package: "fixture-hostile-matcher",
        purpose: "duplicate rule (WIT 0.2.0) that traps, loops, floods 100,000 matches or names a lead it was not shown: the incoming lead is never lost.",
        embed: false,
    },
    Guest {
        package: "fixture-wit-0-2-0",
        purpose: "lead definition built against WIT 0.2.0: sales-ready when a webinar campaign is in its campaign context; names each campaign and its previous verdict.",
        embed: false,
    },
];

fn main() {
    // Read when the script runs, not when it was compiled: a compiled
    // build script is reused from a checkout at another path (its sources
    // unchanged), and it must look at this one.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let manifest = Path::new(&manifest);
    // The test-only WIT the `wit-0-1-1` fixture is built against.
    println!("cargo:rerun-if-changed={}", manifest.join("wit").display());
    build(&FIXTURES);
    require_used(
        &FIXTURES,
        &[&manifest.join("tests"), &manifest.join("benches")],
    );
}
