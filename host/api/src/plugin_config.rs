//! `PUT /v1/orgs/{org}/plugins/{slot}/config`: a slot's config set without
//! file access, checked before anything is written.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{JsonBody, OrgAccess};
use super::plugins::{SlotView, parse_slot, slot_view};
use super::{ApiError, AppState, blocking_in};
use crate::model::Config;

/// The whole config, read as `org.toml` reads it: text, numbers,
/// `true`/`false`, and lists of text and numbers (which reach the plug-in
/// as comma-separated text).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct ConfigBody(#[serde(deserialize_with = "crate::model::config_values::config")] Config);

/// The body's schema: an object of config values.
#[derive(ToSchema)]
#[schema(value_type = Object, example = json!({"min-budget": 20000, "industries": ["logistics", "retail"]}))]
#[allow(dead_code, reason = "it only names the body's schema in the document")]
struct ConfigValues(serde_json::Map<String, serde_json::Value>);

/// Serves the slot's plug-in with this config (the whole config: keys left
/// out are removed). The plug-in serving now is checked under it — its
/// sample cases, and every case that brings its own config run once more
/// under this one — and only if it passes is the config written into
/// `org.toml` and activated as a `config` version; a refused config
/// changes nothing.
#[utoipa::path(put, path = "/v1/orgs/{org}/plugins/{slot}/config", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = String, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    request_body = ConfigValues,
    responses((status = 200, body = SlotView),
        (status = 409, description = "Nothing serves the slot, or org.toml cannot be used", body = super::Problem),
        (status = 413, description = "The config is larger than a slot's config may be (16 KiB as JSON)", body = super::Problem),
        (status = 422, description = "A value that is not a config value, or the plug-in refused under this config; nothing was changed", body = super::Problem),
        (status = 507, description = "The org's plug-in files and history are at their bound (`[limits] org_disk_mib`); nothing was changed", body = super::Problem),
        (status = 503, description = "The check could not finish on the host's load at that moment; nothing was changed: send it again after `Retry-After`", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn put(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
    JsonBody(ConfigBody(config)): JsonBody<ConfigBody>,
) -> Result<Json<SlotView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let view = blocking_in(&state, org.clone(), move |host| {
        host.plugins
            .set_config(&org, slot, config)
            .map(|_| slot_view(host, &org, slot))
    })
    .await?;
    Ok(Json(view))
}
