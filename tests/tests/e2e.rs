//! End-to-end tests of the host with real plug-ins compiled from source.

mod e2e {
    pub mod backtest;
    pub mod backtest_routing;
    pub mod blocking;
    pub mod campaigns;
    pub mod case_rows;
    pub mod containment;
    pub mod docs;
    pub mod duplicates;
    pub mod first_party;
    pub mod funnel;
    pub mod goals;
    pub mod http;
    pub mod impact;
    pub mod languages;
    pub mod lifecycle;
    pub mod nurture;
    pub mod reload;
    pub mod replay;
    pub mod resubmit;
    pub mod review;
    pub mod routing;
    pub mod sandbox;
    pub mod script_reuse;
    pub mod shadow;
    pub mod support;
    pub mod transitions;
    pub mod ui;
    pub mod wit_0_2;
    pub mod wit_versions;
}
