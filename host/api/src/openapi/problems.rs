//! The error answers of every operation, added to the document from what
//! the operation takes (a token, a body, a query, path ids), so that no
//! route can answer a status its entry does not list. Every error is an
//! `application/problem+json` [`Problem`](crate::Problem).

use serde_json::{Value, json};

/// Operations that read a body of any media type (the batch reads NDJSON
/// under `application/x-ndjson` and JSON under any other), so never 415.
const ANY_MEDIA_TYPE: [&str; 1] = ["/v1/orgs/{org}/leads/batch"];

/// What an operation takes, read from its entry in the document.
struct Takes {
    /// It needs a bearer token.
    token: bool,
    /// It needs the admin token (the `orgs` endpoints).
    admin: bool,
    /// It is under `/v1/orgs/{org}/` and an org's token may call it.
    org: bool,
    /// It has path parameters naming something that may not exist.
    ids: bool,
    /// It has query parameters.
    query: bool,
    /// It has a request body.
    body: bool,
    /// Its body is read as JSON only (anything else is 415).
    json_only: bool,
}

impl Takes {
    fn of(path: &str, operation: &Value) -> Takes {
        let token = operation
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|security| !security.is_empty());
        let admin = operation
            .get("tags")
            .and_then(Value::as_array)
            .is_some_and(|tags| tags.iter().any(|tag| tag == "orgs"));
        let parameters = operation.get("parameters").and_then(Value::as_array);
        let located = |place: &str| {
            parameters.is_some_and(|parameters| parameters.iter().any(|p| p["in"] == place))
        };
        let media: Vec<&String> = operation
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .map(|content| content.keys().collect())
            .unwrap_or_default();
        Takes {
            token,
            admin,
            org: !admin && path.starts_with("/v1/orgs/{org}"),
            ids: located("path"),
            query: located("query"),
            body: !media.is_empty(),
            json_only: media.len() == 1
                && media[0] == "application/json"
                && !ANY_MEDIA_TYPE.contains(&path),
        }
    }

    /// Each status this operation may answer with a problem, and why.
    fn problems(&self) -> Vec<(u16, &'static str)> {
        let mut problems = Vec::new();
        if self.body || self.query || self.org {
            problems.push((400, "The body, query or path cannot be read (malformed JSON, a query value of the wrong type)."));
        }
        if self.token {
            problems.push((401, "No bearer token, or an unknown or revoked one."));
        }
        if self.admin {
            problems.push((
                403,
                "An org's token on an endpoint that needs the admin token.",
            ));
        }
        if self.ids {
            problems.push((
                404,
                "No such org (another org's is answered the same), or nothing with this id in it.",
            ));
        }
        problems.push((408, "The request took longer than the server's limit (`[http] timeout_ms`); what it had stored stays stored, and sending it again is safe."));
        if self.body {
            problems.push((413, "The body is larger than the endpoint accepts (`[http] body_kib`, or `bulk_mib` for batches, imports and uploads)."));
        }
        if self.json_only {
            problems.push((
                415,
                "The body is not sent as `Content-Type: application/json`.",
            ));
        }
        if self.body {
            problems.push((
                422,
                "The body is not what the endpoint takes: `errors` names each field at fault.",
            ));
        }
        if self.token {
            problems.push((500, "The server failed; the details are in its log only."));
        }
        if self.org {
            problems.push((503, "The server cannot take the request now (the org's share of the server is busy, the store failed and nothing of the request was stored, or the server is shutting down); retry later."));
        } else if self.token {
            problems.push((503, "The store failed and nothing of the request was stored, or the server is shutting down; retry later."));
        }
        problems
    }
}

/// The body of every error answer.
fn problem_content() -> Value {
    json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}})
}

/// Adds each operation's error answers (keeping a description its own
/// annotation gave) and makes every error answer's body a problem document.
pub fn add_problems(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, operations) in paths.iter_mut() {
        let Some(operations) = operations.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let takes = Takes::of(path, operation);
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, description) in takes.problems() {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| json!({"description": description}));
            }
            for (status, response) in responses.iter_mut() {
                if status.as_str() < "400" {
                    continue;
                }
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                response.insert("content".into(), problem_content());
                if status == "401" {
                    response.insert(
                        "headers".into(),
                        json!({"WWW-Authenticate": {
                            "description": "`Bearer`: the scheme to authenticate with.",
                            "schema": {"type": "string"}
                        }}),
                    );
                }
            }
            sort_by_status(responses);
        }
    }
}

fn sort_by_status(responses: &mut serde_json::Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(responses).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    responses.extend(entries);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn an_org_route_with_a_json_body_lists_every_answer() {
        let mut document = json!({"paths": {"/v1/orgs/{org}/leads": {"post": {
            "tags": ["leads"],
            "security": [{"bearer": []}],
            "parameters": [{"name": "org", "in": "path"}],
            "requestBody": {"content": {"application/json": {}}},
            "responses": {
                "201": {"description": "created"},
                "422": {"description": "Invalid fields", "content": {"application/json": {}}}
            }
        }}}});
        super::add_problems(&mut document);
        let responses = document["paths"]["/v1/orgs/{org}/leads"]["post"]["responses"]
            .as_object()
            .unwrap();
        let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(
            statuses,
            [
                "201", "400", "401", "404", "408", "413", "415", "422", "500", "503"
            ]
        );
        assert_eq!(
            responses["422"]["description"], "Invalid fields",
            "its own words are kept"
        );
        assert!(responses["422"]["content"]["application/problem+json"].is_object());
        assert!(
            responses["422"]["content"]
                .get("application/json")
                .is_none()
        );
        assert!(responses["401"]["headers"]["WWW-Authenticate"].is_object());
    }

    #[test]
    fn a_probe_lists_only_the_deadline() {
        let mut document = json!({"paths": {"/healthz": {"get": {
            "tags": ["health"], "responses": {"200": {"description": "Serving"}}
        }}}});
        super::add_problems(&mut document);
        let responses = document["paths"]["/healthz"]["get"]["responses"]
            .as_object()
            .unwrap();
        let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(statuses, ["200", "408"]);
    }
}
