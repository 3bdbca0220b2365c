//! The plug-ins page: per slot the active version, its history with each
//! activation's impact, the last refusal, rollback and upload — through
//! the same loader calls, checks and errors as the API's.

use axum::extract::{FromRequestParts, Path, Request, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::access::{self, OrgPage, Posted};
use crate::engine::records::PluginVersion;
use crate::engine::{Cancel, SlotStatus};
use crate::error::UiError;
use crate::format;
use crate::layout::{self, Chrome, csrf_field};
use crate::model::Slot;
use crate::pages::done;
use crate::{UiState, in_org, in_turn};

/// What the page shows of one slot.
struct SlotPage {
    status: SlotStatus,
    differs: Option<String>,
    versions: Vec<PluginVersion>,
}

/// Most history entries shown per slot, newest first.
const HISTORY: usize = 30;

/// `GET /orgs/{org}/plugins`.
pub async fn show(State(state): State<UiState>, page: OrgPage) -> Result<Markup, UiError> {
    let org = page.org.clone();
    let slots = in_org(&state, &org, move |host, org| {
        Slot::ALL
            .into_iter()
            .map(|slot| {
                Ok(SlotPage {
                    status: host.engine.slot_status(org, slot),
                    differs: host.plugins.folder_differs(org, slot),
                    versions: host.engine.plugin_versions(org, slot)?,
                })
            })
            .collect::<Result<Vec<_>, UiError>>()
    })
    .await?;
    let chrome = page.chrome();
    let body = html! {
        h1 { "Plug-ins" }
        @for slot in &slots { (slot_section(&chrome, &page.org, slot)) }
    };
    Ok(layout::page(&chrome, "plugins", "Plug-ins", body))
}

fn slot_section(chrome: &Chrome, org: &str, slot: &SlotPage) -> Markup {
    let world = slot.status.slot.world();
    let active_key = slot
        .status
        .active
        .as_ref()
        .map(|a| (a.hash.clone(), a.config_digest.clone()));
    // The newest entry of what serves: an older entry of the same version
    // (before a rollback and back) can be made active again like any other.
    let serving = slot
        .versions
        .iter()
        .rev()
        .take(HISTORY)
        .position(|version| {
            active_key.as_ref() == Some(&(version.hash.to_string(), version.config_digest.clone()))
        });
    html! {
        section.slot #(world) aria-labelledby={ (world) "-title" } {
            h2 #{ (world) "-title" } { (world) }
            @match &slot.status.active {
                Some(active) => dl.fields {
                    dt { "Active" } dd { strong.active-name { (active.name) } " " code.hash.active-hash title=(active.hash) { (format::short_hash(&active.hash)) } " · WIT " (active.wit_version) }
                    dt { "Since" } dd { (format::time(active.since)) }
                    dt { "Config" } dd {
                        @if active.config.is_empty() { "none" } @else {
                            @for (key, value) in &active.config { code { (key) " = " (format::name(value)) } " " }
                        }
                    }
                },
                None => p { "Empty: no version serves this slot." },
            }
            @if let Some(error) = &slot.status.org_file_error { p role="alert" { "org.toml is refused: " (error) } }
            @if let Some(differs) = &slot.differs { p role="alert" { "The org's folder differs: " (differs) } }
            @if let Some(refusal) = &slot.status.last_refusal {
                p.refusal role="alert" { "Last refused: " strong { (refusal.name) } " " code.hash { (format::short_hash(&refusal.hash)) }
                    " at " (format::time(refusal.at)) ": " (refusal.reason) }
            }
            h3 { "History" }
            @if slot.versions.is_empty() { p.meta { "No version yet." } } @else {
                div.scroll { table.history {
                    thead { tr { th { "When" } th { "Version" } th { "How" } th { "Config change" } th { "Impact" } th { span.visually-hidden { "Action" } } } }
                    tbody { @for (index, version) in slot.versions.iter().rev().take(HISTORY).enumerate() {
                        @let hash = version.hash.to_string();
                        @let current = Some(index) == serving;
                        tr {
                            td { (format::time(version.at)) }
                            td { (version.name) " " code.hash title=(hash) { (format::short_hash(&hash)) } }
                            td { (format::name(&version.how)) }
                            td { @for change in &version.config_changes { code { (serde_json::to_string(change).unwrap_or_default()) } " " } }
                            td { @if let Some(impact) = &version.impact { span title="Recorded inputs whose verdict this version changed, of those it was run on when it became active" { (impact.summary) } } }
                            td { @if current { "serving" } @else {
                                form.inline method="post" action={ "/orgs/" (org) "/plugins/" (world) "/rollback" } {
                                    (csrf_field(chrome))
                                    input type="hidden" name="to" value={ (hash) ":" (version.config_digest) };
                                    button.quiet type="submit" aria-label={ "Make " (version.name) " " (format::short_hash(&hash)) " active again" } { "Make active" }
                                }
                            } }
                        }
                    } }
                } }
            }
            h3 { "Upload a version" }
            form.inline method="post" enctype="multipart/form-data" action={ "/orgs/" (org) "/plugins/" (world) "/upload" } {
                (csrf_field(chrome))
                label { "Name" input name="name" required pattern="[A-Za-z0-9_.-]+" placeholder="acme-fit"; }
                label { "Component (.wasm)" input type="file" name="component" accept=".wasm,application/wasm" required; }
                button type="submit" { "Upload and check" }
            }
        }
    }
}

fn slot_of(world: &str) -> Result<Slot, UiError> {
    Slot::ALL
        .into_iter()
        .find(|slot| slot.world() == world)
        .ok_or_else(|| UiError::NotFound(format!("There is no slot {world}.")))
}

/// The rollback form's field: `hash:config_digest` of a history entry.
#[derive(Debug, Deserialize)]
pub struct RollbackForm {
    to: String,
}

/// `POST /orgs/{org}/plugins/{slot}/rollback`.
pub async fn rollback(
    State(state): State<UiState>,
    Path((_, world)): Path<(String, String)>,
    posted: Posted<RollbackForm>,
) -> Result<Response, UiError> {
    let slot = slot_of(&world)?;
    let org = posted.page.org.clone();
    let to = posted.form.to.clone();
    let version = in_org(&state, &org, move |host, org| {
        host.plugins.rollback(org, slot, &to)
    })
    .await?;
    let text = format!(
        "{world}: {} {} is active again.",
        version.name,
        format::short_hash(&version.hash.to_string())
    );
    let to = format!("/orgs/{}/plugins#{world}", posted.page.org);
    Ok(done(&state, &posted.page.signed.id, to, text))
}

/// `POST /orgs/{org}/plugins/{slot}/upload`: a multipart form with `csrf`,
/// `name` and `component`. The org's turn is taken before the body is
/// read, as the API's upload does, so an org holds at most its share of
/// bodies in memory.
pub async fn upload(State(state): State<UiState>, request: Request) -> Result<Response, UiError> {
    let (mut parts, body) = request.into_parts();
    access::same_site(&parts)?;
    let page = OrgPage::from_request_parts(&mut parts, &state).await?;
    let Path((_, world)) = Path::<(String, String)>::from_request_parts(&mut parts, &state)
        .await
        .map_err(|_| UiError::NotFound("Not found.".into()))?;
    let slot = slot_of(&world)?;
    let boundary = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| multer::parse_boundary(value).ok())
        .ok_or_else(|| UiError::Invalid("Send the upload form as multipart/form-data.".into()))?;
    let turn = state.host.engine.shares().turn(&page.org).await?;
    let body = access::read_body(Request::from_parts(parts, body), state.upload_bytes).await?;
    let (csrf, name, component) = upload_parts(body, boundary).await?;
    access::check_csrf(&page.signed.session, &csrf)?;
    let org = page.org.clone();
    let cancel = Cancel::new();
    let _stop_when_gone = cancel.on_drop();
    let version = in_turn(&state, turn, move |host| {
        host.plugins
            .install_with_cases(&org, slot, &name, &component, None, &cancel)
    })
    .await?;
    let text = format!(
        "{} {} checked and serving {world}.",
        version.name,
        format::short_hash(&version.hash.to_string())
    );
    let to = format!("/orgs/{}/plugins#{world}", page.org);
    Ok(done(&state, &page.signed.id, to, text))
}

/// The `csrf`, `name` and `component` fields of an upload form.
async fn upload_parts(
    body: bytes::Bytes,
    boundary: String,
) -> Result<(String, String, bytes::Bytes), UiError> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed =
        |error: multer::Error| UiError::Invalid(format!("The upload form is malformed: {error}."));
    let (mut csrf, mut name, mut component) = (String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.map_err(malformed)?,
            "name" => name = field.text().await.map_err(malformed)?.trim().to_string(),
            "component" => component = Some(field.bytes().await.map_err(malformed)?),
            other => {
                return Err(UiError::Invalid(format!(
                    "`{other}`: the upload form has only `name` and `component`."
                )));
            }
        }
    }
    let component = component
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| UiError::Invalid("`component`: choose the .wasm file to upload.".into()))?;
    if name.is_empty() {
        return Err(UiError::Invalid("`name`: give the version a name.".into()));
    }
    Ok((csrf, name, component))
}
