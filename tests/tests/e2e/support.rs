//! Shared set-up: one runtime per test binary, so compiled code is reused.

use std::sync::OnceLock;

use leadhost::model::QualifyInput;
use leadhost::runtime::{Limits, Plugin, Runtime, RuntimeConfig, Slot};

/// The runtime most tests share (default limits, memory-only cache).
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new(RuntimeConfig::default()).expect("start the runtime"))
}

/// A runtime with its own limits.
pub fn runtime_with(limits: Limits) -> Runtime {
    Runtime::new(RuntimeConfig {
        limits,
        ..RuntimeConfig::default()
    })
    .expect("start the runtime")
}

/// Loads the component at `path` into `runtime` for `slot`.
/// (kept in the runtime's compile cache, as the host keeps what it accepts).
pub fn load(runtime: &Runtime, path: &str, slot: Slot) -> Plugin {
    let plugin = runtime
        .load_file(std::path::Path::new(path), Some(slot))
        .unwrap_or_else(|error| panic!("load {path}: {error}"));
    runtime.keep(&plugin);
    plugin
}

/// The strong sample lead of `examples/eval`.
pub fn strong_lead() -> QualifyInput {
    leadhost_tests::example("eval/qualify/strong-lead.json")
}

/// An org on a real sled store in a temporary folder, with the first-party
/// plug-ins active, three reps and a clock the test moves.
pub struct TestOrg {
    /// The engine.
    pub engine: leadhost::engine::Engine,
    /// The clock the engine reads.
    pub clock: leadhost::clock::ManualClock,
    /// The org's id.
    pub org: &'static str,
    /// Keeps the folder until the test ends.
    _dir: tempfile::TempDir,
}

/// When every test org's clock starts.
pub fn start_time() -> leadhost::model::Time {
    "2026-11-24T09:00:00Z".parse().unwrap()
}

impl TestOrg {
    /// Opens a fresh store with org `acme` and reps `ana` (DE, AT), `ben` (DE)
    /// and `dev` (US), each with room for ten leads.
    pub fn new() -> Self {
        use leadhost::store::{Durability, SledStore};
        let dir = tempfile::tempdir().expect("temp dir");
        let store =
            SledStore::open(&dir.path().join("store"), Durability::Flush).expect("open store");
        let clock = leadhost::clock::ManualClock::new(start_time());
        let plugins = leadhost::plugins::Registry::new();
        plugins
            .activate_builtins("acme", runtime(), start_time())
            .expect("load first-party plug-ins");
        let engine = leadhost::engine::Engine::new(
            std::sync::Arc::new(store),
            plugins,
            std::sync::Arc::new(clock.clone()),
            leadhost::engine::EngineConfig::default(),
        );
        engine.create_org("acme", "Acme Corp").expect("create org");
        for (id, territories) in [
            ("ana", vec!["DE", "AT"]),
            ("ben", vec!["DE"]),
            ("dev", vec!["US"]),
        ] {
            let rep = leadhost::model::Rep {
                id: id.into(),
                display_name: None,
                email: None,
                team: None,
                territories: territories.into_iter().map(String::from).collect(),
                segments: vec![],
                capacity: 10,
                open_leads: 0,
                weight: 1,
                available: true,
                out_of_office: vec![],
                last_assigned_at: None,
            };
            engine.put_rep("acme", rep).expect("create rep");
        }
        TestOrg {
            engine,
            clock,
            org: "acme",
            _dir: dir,
        }
    }

    /// Ingests a submission given as JSON.
    pub fn ingest(&self, json: serde_json::Value) -> leadhost::engine::Ingested {
        let submission = serde_json::from_value(json).expect("a valid submission");
        self.engine
            .ingest(self.org, submission, "test")
            .unwrap_or_else(|error| panic!("ingest: {error}"))
    }

    /// A lead's stored record.
    pub fn lead(&self, id: &str) -> leadhost::store::LeadRecord {
        self.engine.lead(self.org, id).expect("the lead exists")
    }

    /// A lead's timeline.
    pub fn timeline(&self, id: &str) -> Vec<leadhost::store::TimelineEntry> {
        self.engine.timeline(self.org, id).expect("the lead exists")
    }

    /// A rep's record.
    pub fn rep(&self, id: &str) -> leadhost::model::Rep {
        let reps = self.engine.reps(self.org).expect("reps");
        reps.into_iter()
            .find(|rep| rep.id == id)
            .expect("the rep exists")
    }

    /// Replaces the plug-in in a slot.
    pub fn activate(&self, plugin: Plugin, config: leadhost::model::Config) {
        self.engine
            .plugins()
            .activate(self.org, plugin, config, start_time());
    }

    /// Puts a first-party plug-in back in its slot.
    pub fn activate_builtin(&self, builtin: leadhost::builtin::Builtin) {
        let plugin = runtime()
            .load(builtin.name, builtin.bytes, Some(builtin.slot))
            .expect("load");
        self.activate(plugin, Default::default());
    }
}

/// A sales-ready lead from Germany: BANT complete, recent webinar.
pub fn strong(email: &str) -> serde_json::Value {
    serde_json::json!({
        "email": email, "company": "Northwind", "domain": "northwind.example", "country": "DE",
        "source": "webinar", "campaign": "q4-webinar", "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 45,
    })
}

/// A lead to nurture: decision-maker with a high need and near timeline, but
/// a small budget (score 65 of the 70 needed; one webinar tips it over).
pub fn almost(email: &str) -> serde_json::Value {
    serde_json::json!({
        "email": email, "country": "DE", "source": "content", "campaign": "guide",
        "budget": 5000, "authority": "decision-maker", "need": "high", "timeline_days": 30,
    })
}

/// A lead the definition discards: a university address.
pub fn student(email_user: &str) -> serde_json::Value {
    serde_json::json!({ "email": format!("{email_user}@uni-hamburg.edu"), "title": "Student", "source": "organic" })
}

/// Checks the provenance of every decision in a timeline: who decided, with
/// which component, on which input, at what cost and when.
pub fn assert_provenance(org: &TestOrg, lead: &str, timeline: &[leadhost::store::TimelineEntry]) {
    let decisions: Vec<_> = timeline
        .iter()
        .filter_map(|entry| entry.decision())
        .collect();
    assert!(!decisions.is_empty(), "no decisions in {timeline:#?}");
    for decision in decisions {
        assert_eq!(decision.org, org.org);
        assert_eq!(decision.lead, lead);
        assert_eq!(decision.wit_version, "0.1.0");
        assert_eq!(decision.input_digest.len(), 64, "{decision:?}");
        assert!(decision.input_digest.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(decision.at >= start_time() && decision.at <= org.clock_now());
        assert_eq!(
            decision.plugin_hash.to_string().len(),
            64,
            "the decision names the full component hash"
        );
        if let leadhost::store::Outcome::Decided { .. } = decision.outcome {
            assert!(decision.fuel_used > 0, "{decision:?}");
        }
    }
}

impl TestOrg {
    /// What the org's clock reads.
    pub fn clock_now(&self) -> leadhost::model::Time {
        use leadhost::clock::Clock;
        self.clock.now()
    }

    /// The stage kinds a lead went through, in order.
    pub fn path(&self, id: &str) -> Vec<leadhost::store::StageKind> {
        self.lead(id).path.iter().map(|entry| entry.stage).collect()
    }
}
