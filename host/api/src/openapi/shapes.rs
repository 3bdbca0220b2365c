//! Passes over the generated document that make its schemas say what the
//! server really reads and writes, where utoipa's rendering of a Rust type
//! says something else.
//!
//! - An unsigned or narrow integer gets the range the server parses: utoipa
//!   (with `non_strict_integers`) renders `u32` as format `u-int32`, which no
//!   JSON Schema tool knows; here it becomes `int64` with `minimum: 0,
//!   maximum: 4294967295`, so `Rep.weight = 4294967295` is valid, as the
//!   server accepts it, and `4294967296` is not, as the server refuses it.
//! - Every object a request body reaches is closed
//!   (`additionalProperties: false`): each request type denies unknown
//!   fields, and utoipa does not say so for a tagged enum's variants.
//! - `#[serde(flatten)]` renders as `allOf` of the parts, and a part that is
//!   closed on its own (`Lead`, `Activity`) would refuse the other parts'
//!   fields, so no response could match. A part reached through `allOf` is
//!   inlined without its `additionalProperties: false`.

use serde_json::{Map, Value};

/// Integer formats utoipa writes (`u32` as `u-int32`), the standard format
/// that holds each (`None`: none does, the bounds say it all) and its range.
const RANGES: [(&str, Option<&str>, i128, i128); 6] = [
    ("int8", Some("int32"), i8::MIN as i128, i8::MAX as i128),
    ("int16", Some("int32"), i16::MIN as i128, i16::MAX as i128),
    ("u-int8", Some("int32"), 0, u8::MAX as i128),
    ("u-int16", Some("int32"), 0, u16::MAX as i128),
    ("u-int32", Some("int64"), 0, u32::MAX as i128),
    ("u-int64", None, 0, u64::MAX as i128),
];

/// Gives every integer schema with a Rust-specific format its real range.
/// A bound the annotation set already (tighter) is kept.
pub fn integer_ranges(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let format = object.get("format").and_then(Value::as_str);
            if let Some((_, standard, min, max)) =
                RANGES.iter().find(|(name, ..)| Some(*name) == format)
            {
                match standard {
                    Some(standard) => object.insert("format".into(), (*standard).into()),
                    None => object.remove("format"),
                };
                tighten(object, "minimum", *min, i128::max);
                tighten(object, "maximum", *max, i128::min);
            }
            object.values_mut().for_each(integer_ranges);
        }
        Value::Array(items) => items.iter_mut().for_each(integer_ranges),
        _ => {}
    }
}

fn tighten(object: &mut Map<String, Value>, key: &str, bound: i128, pick: fn(i128, i128) -> i128) {
    let given = object.get(key).and_then(|value| {
        value
            .as_i64()
            .map(i128::from)
            .or(value.as_u64().map(i128::from))
    });
    let bound = given.map_or(bound, |given| pick(given, bound));
    let number = match u64::try_from(bound) {
        Ok(unsigned) => Value::from(unsigned),
        Err(_) => Value::from(bound as i64),
    };
    object.insert(key.into(), number);
}

/// The name of the component a `$ref` points at.
fn component_name(reference: &Value) -> Option<&str> {
    reference
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Every component reached from `value` through `$ref`s, transitively.
fn reached(value: &Value, schemas: &Map<String, Value>, seen: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = component_name(value)
                && !seen.iter().any(|known| known == name)
            {
                seen.push(name.to_string());
                if let Some(schema) = schemas.get(name) {
                    reached(schema, schemas, seen);
                }
            }
            object
                .values()
                .for_each(|child| reached(child, schemas, seen));
        }
        Value::Array(items) => items.iter().for_each(|child| reached(child, schemas, seen)),
        _ => {}
    }
}

/// Closes every object schema with properties (and no rule of its own for
/// others) inside `value`.
fn close(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, child) in object.iter_mut() {
                // A map's value schema is not a request object of its own.
                if key != "additionalProperties" {
                    close(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

/// Closes every object a request body can hold: the server refuses unknown
/// fields in all of them (each request type has `deny_unknown_fields`).
pub fn close_request_objects(document: &mut Value) {
    let mut bodies: Vec<Value> = Vec::new();
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for operation in paths
            .values()
            .filter_map(Value::as_object)
            .flat_map(|ops| ops.values())
        {
            if let Some(content) = operation
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            {
                bodies.extend(
                    content
                        .values()
                        .filter_map(|media| media.get("schema"))
                        .cloned(),
                );
            }
        }
    }
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut names = Vec::new();
    for body in &bodies {
        reached(body, &schemas, &mut names);
    }
    if let Some(paths) = document.get_mut("paths") {
        for schema in request_schemas(paths) {
            close(schema);
        }
    }
    if let Some(components) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in &names {
            if let Some(schema) = components.get_mut(name) {
                close(schema);
            }
        }
    }
}

fn request_schemas(paths: &mut Value) -> Vec<&mut Value> {
    let mut found = Vec::new();
    for operations in paths
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
    {
        for operation in operations
            .as_object_mut()
            .into_iter()
            .flat_map(|ops| ops.values_mut())
        {
            if let Some(content) = operation
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut)
            {
                found.extend(
                    content
                        .values_mut()
                        .filter_map(|media| media.get_mut("schema")),
                );
            }
        }
    }
    found
}

/// Removes `additionalProperties: false` from the top of a schema and the
/// branches of its top-level compositions: it is one part of an `allOf`.
fn open(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if object.get("additionalProperties") == Some(&Value::Bool(false)) {
        object.remove("additionalProperties");
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = object.get_mut(key) {
            parts.iter_mut().for_each(open);
        }
    }
}

/// Whether a schema is closed at its top or in a top-level branch.
fn closed(value: &Value, schemas: &Map<String, Value>, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if let Some(name) = component_name(value) {
        return schemas
            .get(name)
            .is_some_and(|schema| closed(schema, schemas, depth + 1));
    }
    value.get("additionalProperties") == Some(&Value::Bool(false))
        || ["allOf", "oneOf", "anyOf"].iter().any(|key| {
            value
                .get(*key)
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.iter().any(|part| closed(part, schemas, depth + 1)))
        })
}

/// Makes every `allOf` satisfiable: a part closed on its own is inlined
/// (resolving its `$ref`) and opened, so the other parts' fields are allowed.
pub fn open_compositions(document: &mut Value) {
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    open_all_of(document, &schemas);
}

fn open_all_of(value: &mut Value, schemas: &Map<String, Value>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(parts)) = object.get_mut("allOf") {
                for part in parts.iter_mut() {
                    if !closed(part, schemas, 0) {
                        continue;
                    }
                    if let Some(name) = component_name(part)
                        && let Some(schema) = schemas.get(name)
                    {
                        let description = part.get("description").cloned();
                        *part = schema.clone();
                        if let (Some(description), Some(part)) = (description, part.as_object_mut())
                        {
                            part.insert("description".into(), description);
                        }
                    }
                    open(part);
                }
            }
            object
                .values_mut()
                .for_each(|child| open_all_of(child, schemas));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| open_all_of(child, schemas)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn unsigned_integers_get_their_real_range() {
        let mut schema = json!({"type": "integer", "format": "u-int32", "minimum": 0});
        super::integer_ranges(&mut schema);
        assert_eq!(
            schema,
            json!({"type": "integer", "format": "int64", "minimum": 0, "maximum": 4294967295u64})
        );
        let mut tighter =
            json!({"type": ["integer", "null"], "format": "u-int32", "maximum": 3650});
        super::integer_ranges(&mut tighter);
        assert_eq!(tighter["maximum"], 3650);
        assert_eq!(tighter["minimum"], 0);
        let mut wide = json!({"type": "integer", "format": "u-int64"});
        super::integer_ranges(&mut wide);
        assert_eq!(
            wide,
            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
        );
    }

    #[test]
    fn a_closed_part_of_an_all_of_is_inlined_open() {
        let mut document = json!({
            "components": {"schemas": {
                "Lead": {"type": "object", "properties": {"email": {"type": "string"}}, "additionalProperties": false},
                "View": {"allOf": [
                    {"$ref": "#/components/schemas/Lead", "description": "The lead."},
                    {"type": "object", "properties": {"stage": {"type": "string"}}}
                ]}
            }}
        });
        super::open_compositions(&mut document);
        let view = &document["components"]["schemas"]["View"]["allOf"][0];
        assert_eq!(view["properties"]["email"]["type"], "string");
        assert!(view.get("additionalProperties").is_none(), "{view}");
        assert_eq!(view["description"], "The lead.");
        assert_eq!(
            document["components"]["schemas"]["Lead"]["additionalProperties"], false,
            "the component itself stays closed"
        );
    }

    #[test]
    fn request_objects_are_closed() {
        let mut document = json!({
            "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Feedback"}}}}}}},
            "components": {"schemas": {
                "Feedback": {"oneOf": [{"type": "object", "properties": {"feedback": {"enum": ["won"]}}}]},
                "Out": {"type": "object", "properties": {"n": {"type": "integer"}}}
            }}
        });
        super::close_request_objects(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["Feedback"]["oneOf"][0]["additionalProperties"],
            false
        );
        assert!(
            schemas["Out"].get("additionalProperties").is_none(),
            "responses stay as they are"
        );
    }
}
