//! The peers benchmark: leadhost's BANT rule on the same input through
//! native Rust, leadhost's components (its own runtime), an Extism plug-in,
//! Lua (mlua) and Rhai, with one table of per-call times. Every answer is
//! checked against native Rust's; any difference fails the run.
//!
//! Run: `bench/peers/run.sh` (or `cargo run --release -- --calls N`).

#![deny(missing_docs)]

mod extism_peer;
mod input;
mod leadhost;
mod lua;
mod measure;
mod rhai_native;
mod verdict;

/// The guests the build script built from source.
mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use bant_qualifier::BantQualifier;
use leadhost_sdk::LeadDefinition;

use measure::{Measured, Plan, row};
use verdict::Verdict;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: u64| -> Result<u64> {
        match args.iter().position(|arg| arg == name) {
            Some(at) => args
                .get(at + 1)
                .with_context(|| format!("{name} takes a number"))?
                .parse()
                .with_context(|| format!("{name} takes a number")),
            None => Ok(default),
        }
    };
    let plan = Plan {
        max_calls: option("--calls", 20_000)? as usize,
        min_calls: option("--min-calls", 200)? as usize,
        budget: Duration::from_millis(option("--row-ms", 3_000)?),
        warm_up: Duration::from_millis(option("--warm-up-ms", 300)?),
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let input = input::load(&repo, "strong-lead.json")?;
    let native = input::native(&input);
    let script_path = repo.join("plugins/script/examples/qualify.rhai");
    let script =
        std::fs::read_to_string(&script_path).with_context(|| script_path.display().to_string())?;
    let lua_source = include_str!("../lua/qualify.lua");

    let expected: Verdict = BantQualifier::qualify(native.clone())
        .map_err(anyhow::Error::msg)?
        .into();
    eprintln!("expected (native Rust): {expected:?}");
    eprintln!("compiling the components and the Extism plug-in...");
    let host = leadhost::Leadhost::new("qualify.rhai", &script)?;
    let extism = extism_peer::Extism::new()?;
    let lua = lua::LuaRule::new(lua_source)?;
    let rhai = rhai_native::RhaiRule::new("qualify.rhai", &script)?;

    // The ports must agree beyond the timed input: the weak (nurture) and
    // student (discard) samples take the rule's other paths.
    for file in ["weak-lead.json", "student-lead.json"] {
        let other = input::load(&repo, file)?;
        let native = input::native(&other);
        let expected: Verdict = BantQualifier::qualify(native.clone())
            .map_err(anyhow::Error::msg)?
            .into();
        let answers = [
            ("leadhost component", host.fresh(&other)?),
            ("Extism plug-in", extism.fresh(&other)?),
            ("Lua", lua.convert_and_call(&other)?),
            ("Rhai native", rhai.call(&native)?),
            ("leadhost script host", host.script_kept(&other)?),
        ];
        for (peer, answer) in answers {
            anyhow::ensure!(
                answer == expected,
                "{peer} answers {file} differently:\n  expected {expected:?}\n  got      {answer:?}"
            );
        }
        eprintln!(
            "{file}: every peer answers {:?}, score {}",
            expected.stage, expected.score
        );
    }

    let mut rows: Vec<Measured> = Vec::new();
    let mut add = |measured: Measured| {
        eprintln!(
            "{:<46} p50 {:>9.1} µs ({} calls)",
            measured.label,
            measured.p50.as_secs_f64() * 1e6,
            measured.calls
        );
        rows.push(measured);
    };
    add(row("native Rust (BantQualifier)", plan, &expected, || {
        Ok(BantQualifier::qualify(native.clone())
            .map_err(anyhow::Error::msg)?
            .into())
    })?);
    add(row(
        "leadhost component, fresh instance",
        plan,
        &expected,
        || host.fresh(&input),
    )?);
    let mut instance = host.reusable(&input)?;
    add(row(
        "leadhost component, reused instance",
        plan,
        &expected,
        || leadhost::reused(&mut instance, &input),
    )?);
    drop(instance);
    let mut plugin = extism.instance()?;
    add(row(
        "Extism plug-in, reused (one Plugin)",
        plan,
        &expected,
        || extism_peer::call(&mut plugin, &input),
    )?);
    drop(plugin);
    add(row(
        "Extism plug-in, fresh Plugin (precompiled)",
        plan,
        &expected,
        || extism.fresh(&input),
    )?);
    let table = lua.table(&input)?;
    add(row(
        "Lua 5.4 (mlua), input table built once",
        plan,
        &expected,
        || lua.call(&table),
    )?);
    add(row(
        "Lua 5.4 (mlua), input converted per call",
        plan,
        &expected,
        || lua.convert_and_call(&input),
    )?);
    add(row(
        "Rhai native (script-engine), map per call",
        plan,
        &expected,
        || rhai.call(&native),
    )?);
    add(row(
        "leadhost script host (Rhai), kept instance",
        plan,
        &expected,
        || host.script_kept(&input),
    )?);
    let fresh_script = host.script_fresh();
    add(row(
        "leadhost script host (Rhai), fresh instance",
        plan,
        &expected,
        || Ok(fresh_script.qualify(host.context(), &input)?.value.into()),
    )?);

    println!();
    measure::print(&rows);
    println!(
        "\nEvery row answered {:?}, score {}, with the same {} reasons, on every call.",
        expected.stage,
        expected.score,
        expected.reasons.len()
    );
    println!(
        "One thread, one process; each call timed on its own (warm-up {} ms, up to {} calls or ~{} ms a row).",
        plan.warm_up.as_millis(),
        plan.max_calls,
        plan.budget.as_millis()
    );
    Ok(())
}
