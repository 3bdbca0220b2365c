//! The OpenAPI document: the info and security here, the paths and schemas
//! from the handlers' own annotations as [`super::routes`] registers them,
//! then finished by the passes in [`shapes`] and [`problems`] so that it
//! says what the server really takes and answers (the test command checks
//! it against a running server with schemathesis).

mod problems;
mod shapes;

use std::sync::OnceLock;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "leadhost",
        description = "Lead rules as sandboxed WebAssembly plug-ins: leads, their lifecycle, reps, plug-ins and reports, per org."
    ),
    modifiers(&Bearer),
    tags(
        (name = "orgs", description = "Orgs and their tokens (admin token)"),
        (name = "leads", description = "Leads, their timeline, activity and sales feedback"),
        (name = "reps", description = "Reps and their live load"),
        (name = "plugins", description = "Each slot's active plug-in version; uploads"),
        (name = "reports", description = "The closed-loop funnel and shared goals"),
        (name = "campaigns", description = "Campaigns marketing runs and what sales sees coming"),
        (name = "duplicates", description = "Leads the org's duplicate rule holds for a person to merge or dismiss"),
        (name = "health", description = "Probes and metrics"),
    )
)]
struct Base;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document before the routes add their paths.
pub(super) fn base() -> utoipa::openapi::OpenApi {
    Base::openapi()
}

/// The whole document as pretty JSON (built once per process).
pub fn document() -> String {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let (_, openapi) = super::routes(super::HttpLimits::default());
            let mut document = serde_json::to_value(&openapi).expect("the document serializes");
            finish(&mut document);
            serde_json::to_string_pretty(&document).expect("the document serializes")
        })
        .clone()
}

/// Makes the generated document true to the server. Closing comes before
/// opening: a component closed for requests may be a part of a response's
/// `allOf`, which must then be inlined open.
fn finish(document: &mut serde_json::Value) {
    shapes::integer_ranges(document);
    shapes::close_request_objects(document);
    shapes::open_compositions(document);
    problems::add_problems(document);
}
