//! The OpenAPI document: the info and security here, the paths and schemas
//! from the handlers' own annotations as [`super::routes`] registers them.

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
        (name = "reports", description = "The closed-loop funnel"),
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

/// The whole document as pretty JSON.
pub fn document() -> String {
    let (_, openapi) = super::routes(super::HttpLimits::default());
    openapi.to_pretty_json().expect("the document serializes")
}
