//! A script's `state.data` map written as the JSON text the host stores.
//! Keys come out sorted (Rhai maps are ordered), so equal maps give equal text.

use std::fmt::Write;

use rhai::Dynamic;

/// `value` as JSON; `path` names it in errors (`state.data.asked[2]`).
/// Text, numbers, yes/no, `()` (null), lists and maps are stored; anything
/// else (a function, a range) is an error naming where it is.
pub fn write(value: &Dynamic, path: &str) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, value, path)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Dynamic, path: &str) -> Result<(), String> {
    if value.is_unit() {
        out.push_str("null");
    } else if let Ok(flag) = value.as_bool() {
        out.push_str(if flag { "true" } else { "false" });
    } else if let Ok(number) = value.as_int() {
        write!(out, "{number}").expect("writing to a String");
    } else if let Ok(number) = value.as_float() {
        if !number.is_finite() {
            return Err(format!("`{path}` is {number}, which JSON cannot store"));
        }
        write!(out, "{number:?}").expect("writing to a String");
    } else if let Ok(text) = value.as_immutable_string_ref() {
        write_string(out, &text);
    } else if let Ok(c) = value.as_char() {
        write_string(out, c.encode_utf8(&mut [0; 4]));
    } else if value.is_array() {
        let items = value.read_lock::<rhai::Array>().expect("an array");
        out.push('[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            write_value(out, item, &format!("{path}[{index}]"))?;
        }
        out.push(']');
    } else if value.is_map() {
        let map = value.read_lock::<rhai::Map>().expect("a map");
        out.push('{');
        for (index, (key, item)) in map.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            write_string(out, key);
            out.push(':');
            write_value(out, item, &format!("{path}.{key}"))?;
        }
        out.push('}');
    } else {
        return Err(format!(
            "`{path}` is a {}, which cannot be stored",
            value.type_name()
        ));
    }
    Ok(())
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).expect("writing"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::Engine;

    #[test]
    fn maps_round_trip_through_the_host_text() {
        let engine = Engine::new_raw();
        let value: Dynamic = engine
            .eval(r#"#{ b: [1, 2.5, "x\"y\n"], a: (), c: true, d: #{ e: 'q' } }"#)
            .unwrap();
        let text = write(&value, "state.data").unwrap();
        assert_eq!(
            text,
            r#"{"a":null,"b":[1,2.5,"x\"y\n"],"c":true,"d":{"e":"q"}}"#
        );
        let back = engine.parse_json(&text, true).unwrap();
        assert_eq!(write(&Dynamic::from_map(back), "").unwrap(), text);
    }

    #[test]
    fn what_json_cannot_hold_is_named() {
        let engine = Engine::new_raw();
        let value: Dynamic = engine.eval(r#"#{ asked: [1, Fn("f")] }"#).unwrap();
        let error = write(&value, "state.data").unwrap_err();
        assert!(error.contains("`state.data.asked[1]`"), "{error}");
        let nan: Dynamic = engine.eval("#{ x: 0.0 / 0.0 }").unwrap();
        assert!(write(&nan, "d").unwrap_err().contains("`d.x`"));
    }
}
