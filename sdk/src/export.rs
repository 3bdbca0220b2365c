//! The export macros: one per world, each taking the plug-in's type.
//!
//! wit-bindgen's own `export!` takes a bare identifier; these take any type
//! path (`Plugin`, `crate::Plugin`, `rules::Gate`) by naming it through a
//! local alias first. On Wasm they export the type; natively they expand to
//! a check that the type implements the slot's trait (so a typo fails
//! `cargo test`, not only the Wasm build) and nothing else, so the same crate
//! is unit-tested and benchmarked natively.

/// Exports a type implementing [`LeadDefinition`](crate::LeadDefinition) as
/// the component's `qualify`.
///
/// Takes a type path: `export_lead_definition!(Plugin)` or
/// `export_lead_definition!(crate::rules::Plugin)`.
#[macro_export]
macro_rules! export_lead_definition {
    ($plugin:ty $(,)?) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type LeadhostExported = $plugin;
            $crate::lead_definition::export!(LeadhostExported with_types_in $crate::lead_definition);
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            const fn implements<T: $crate::LeadDefinition>() {}
            implements::<$plugin>()
        };
    };
}

/// Exports a type implementing [`NurtureTrack`](crate::NurtureTrack) as the
/// component's `next-step`.
///
/// Takes a type path: `export_nurture_track!(Plugin)` or
/// `export_nurture_track!(crate::tracks::Plugin)`.
#[macro_export]
macro_rules! export_nurture_track {
    ($plugin:ty $(,)?) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type LeadhostExported = $plugin;
    $crate::nurture_track::export!(LeadhostExported with_types_in $crate::nurture_track);
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            const fn implements<T: $crate::NurtureTrack>() {}
            implements::<$plugin>()
        };
    };
}

/// Exports a type implementing [`RoutingPolicy`](crate::RoutingPolicy) as
/// the component's `route`.
///
/// Takes a type path: `export_routing_policy!(Plugin)` or
/// `export_routing_policy!(crate::policies::Plugin)`.
#[macro_export]
macro_rules! export_routing_policy {
    ($plugin:ty $(,)?) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type LeadhostExported = $plugin;
    $crate::routing_policy::export!(LeadhostExported with_types_in $crate::routing_policy);
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            const fn implements<T: $crate::RoutingPolicy>() {}
            implements::<$plugin>()
        };
    };
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    mod rules {
        use crate::prelude::*;

        /// Answers every lead the same way.
        pub struct Gate;

        impl LeadDefinition for Gate {
            fn qualify(_: QualifyInput) -> Result<Qualification, String> {
                Ok(Qualification::nurture(1))
            }
        }
    }

    /// Does nothing, in either slot.
    struct Nothing;

    impl NurtureTrack for Nothing {
        fn next_step(input: NurtureInput) -> Result<NurtureStep, String> {
            Ok(NurtureStep::new(input.state))
        }
    }

    impl RoutingPolicy for Nothing {
        fn route(_: RouteInput) -> Result<RouteDecision, String> {
            Ok(RouteDecision::queue("q", "none"))
        }
    }

    // Natively these compile only if the path names a type implementing the
    // slot's trait: a bare name and a path both do.
    crate::export_lead_definition!(rules::Gate);
    crate::export_lead_definition!(self::rules::Gate);
    crate::export_nurture_track!(Nothing);
    crate::export_routing_policy!(crate::export::tests::Nothing,);
}

/// Exports a type implementing [`DuplicateRule`](crate::DuplicateRule) as
/// the component's `match-lead` (WIT 0.2.0, the `wit-0-2` feature).
///
/// Takes a type path: `export_duplicate_rule!(Plugin)`.
#[cfg(feature = "wit-0-2")]
#[macro_export]
macro_rules! export_duplicate_rule {
    ($plugin:ty $(,)?) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type LeadhostExported = $plugin;
    $crate::duplicate_rule::export!(LeadhostExported with_types_in $crate::duplicate_rule);
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            const fn implements<T: $crate::DuplicateRule>() {}
            implements::<$plugin>()
        };
    };
}
