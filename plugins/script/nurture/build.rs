//! Gives the component a 1 MiB stack. The project's `.cargo/config.toml`
//! links Wasm guests with a 64 KiB stack, which a Rhai interpreter outgrows
//! at about ten nested calls (a trap instead of a clean "too deep" error);
//! `max_call_levels` and the expression-depth limits are sized for 1 MiB.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=1048576");
    }
}
