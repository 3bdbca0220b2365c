//! Input as people really send it, over real HTTP: addresses with invisible
//! or look-alike characters merge into one lead; European numbers follow
//! the import's `decimal` setting or are refused naming field and line;
//! free text keeps its line breaks; CRM exports import every row, and a
//! header that cannot be used is said once for the file.

use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn import(server: &TestServer, query: &str, csv: &str) -> (u16, Value) {
    let path = format!("/v1/orgs/demo/imports{query}");
    read(
        server
            .request(Method::POST, &path, Some(&server.demo))
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
            .unwrap(),
    )
}

fn lead(server: &TestServer, id: &Value) -> Value {
    let (status, lead) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/leads/{}", id.as_str().unwrap()),
        None,
    );
    assert_eq!(status, 200, "{lead}");
    lead
}

fn all_leads(server: &TestServer) -> Vec<Value> {
    let (status, page) = server.demo(Method::GET, "/v1/orgs/demo/leads?limit=500", None);
    assert_eq!(status, 200, "{page}");
    page["leads"].as_array().unwrap().clone()
}

#[test]
fn look_alike_addresses_merge_into_one_lead() {
    let server = TestServer::start();
    let variants = [
        "jo.weber@alpenbahn.example",
        "\u{200B}jo.weber@alpenbahn.example",
        "\u{FEFF}Jo.Weber@Alpenbahn.example",
        "jo.we\u{00AD}ber@alpenbahn.example\u{200F}",
        "\u{2066}jo.weber@alpenbahn.example\u{2069}",
        "jo.weber\u{FE0F}@alpen\u{200D}bahn.example",
        "ｊｏ．ｗｅｂｅｒ＠ａｌｐｅｎｂａｈｎ．ｅｘａｍｐｌｅ",
        "\u{00A0}jo.weber@alpenbahn.example.",
    ];
    let mut ids = Vec::new();
    for (n, variant) in variants.iter().enumerate() {
        let (status, body) = server.demo(
            Method::POST,
            "/v1/orgs/demo/leads",
            Some(json!({"email": variant, "source": "web"})),
        );
        let expected = if n == 0 { 201 } else { 200 };
        assert_eq!(status, expected, "{}: {body}", variant.escape_unicode());
        assert_eq!(body["email"], "jo.weber@alpenbahn.example");
        ids.push(body["id"].clone());
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    // The same through a CSV file whose first cell carries a byte-order mark.
    let csv = "\u{FEFF}Email,Name\n\u{200B}JO.WEBER@alpenbahn.example,Jo Weber\n";
    let (status, result) = import(&server, "", csv);
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        (result["created"].as_u64(), result["merged"].as_u64()),
        (Some(0), Some(1)),
        "{result}"
    );
    assert_eq!(all_leads(&server).len(), 1);
}

#[test]
fn european_numbers_follow_the_decimal_setting() {
    let server = TestServer::start();
    let european = "email,budget\neu@alpenbahn.example,\"80.000,00\"\n";
    let english = "email,budget\nen@harbourline.example,\"80,000.00\"\n";
    let (_, result) = import(&server, "?decimal=comma", european);
    assert_eq!(result["created"], 1, "{result}");
    assert_eq!(
        lead(&server, &result["results"][0]["id"])["budget"],
        80000.0
    );
    let (_, result) = import(&server, "?decimal=point", english);
    assert_eq!(result["created"], 1, "{result}");
    assert_eq!(
        lead(&server, &result["results"][0]["id"])["budget"],
        80000.0
    );
    for (query, csv, field) in [
        (
            "?decimal=point",
            european,
            "`80.000,00` is not a number written with a decimal point",
        ),
        (
            "?decimal=comma",
            english,
            "`80,000.00` is not a number written with a decimal comma",
        ),
        (
            "",
            "email,budget\nx@y.example,80.000\n",
            "`80.000` could be 80 (decimal point) or 80000 (decimal comma)",
        ),
    ] {
        let (status, result) = import(&server, query, csv);
        assert_eq!(status, 200, "{result}");
        let row = &result["results"][0];
        assert_eq!(
            (row["item"].as_u64(), row["status"].as_u64()),
            (Some(2), Some(422)),
            "{result}"
        );
        assert_eq!(row["errors"][0]["field"], "budget");
        let problem = row["errors"][0]["problem"].as_str().unwrap();
        assert!(problem.contains(field), "{problem}");
    }
    let (status, problem) = import(&server, "?decimal=dot", european);
    assert_eq!(status, 400, "{problem}");
    assert_eq!(all_leads(&server).len(), 2, "no refused row was stored");
}

#[test]
fn free_text_keeps_line_breaks_single_line_fields_do_not() {
    let server = TestServer::start();
    let notes = "Met at booth B12.\nWants:\ta demo\nfor 6 seats";
    let (status, body) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "ann@berg.example", "custom": {"notes": "Met at booth B12.\r\nWants:\ta demo\nfor 6 seats"}})),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(lead(&server, &body["id"])["custom"]["notes"], notes);
    let path = format!(
        "/v1/orgs/demo/leads/{}/activities",
        body["id"].as_str().unwrap()
    );
    let (status, answer) = server.demo(
        Method::POST,
        &path,
        Some(json!({"kind": "meeting", "detail": "Agenda:\n- pricing\n- SSO"})),
    );
    assert!(status < 300, "{answer}");
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(
            json!({"email": "bo@berg.example", "name": "Bo\nBerg", "company": "Berg\tAB",
            "custom": {"notes": "bell \u{7}"}}),
        ),
    );
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "company", "custom.notes"], "{problem}");

    let csv = "email,name,notes\ncy@berg.example,Cy Berg,\"Line one\r\nLine two\"\n";
    let (_, result) = import(&server, "", csv);
    assert_eq!(result["created"], 1, "{result}");
    assert_eq!(
        lead(&server, &result["results"][0]["id"])["custom"]["notes"],
        "Line one\nLine two"
    );
}

#[test]
fn a_hubspot_export_imports_every_row() {
    let server = TestServer::start();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/imports/hubspot-contacts.csv"
    );
    let csv = std::fs::read_to_string(path).unwrap();
    let (status, result) = import(&server, "", &csv);
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        (result["created"].as_u64(), result["rejected"].as_u64()),
        (Some(12), Some(0)),
        "{result}"
    );
    assert!(result.get("warnings").is_none(), "{result}");
    let anna = lead(&server, &result["results"][0]["id"]);
    assert_eq!(anna["name"], "Anna Kranz");
    assert_eq!(anna["email"], "anna@kranwerk.example");
    assert_eq!(anna["company"], "Kranwerk GmbH");
    assert_eq!(anna["domain"], "kranwerk.example");
    assert_eq!(anna["country"], "DE");
    assert_eq!(anna["source"], "Organic Search");
    assert_eq!(
        anna["company_size"], 100,
        "the band 100-500 reads as its lower bound"
    );
    assert_eq!(anna["created_at"], "2024-03-05T14:22:00Z");
    assert!(
        anna["custom"]["message"]
            .as_str()
            .unwrap()
            .contains("sites.\nCan"),
        "{anna}"
    );
    let (status, march) = server.demo(
        Method::GET,
        "/v1/orgs/demo/leads?created_from=2024-03-01T00:00:00Z&created_to=2024-04-01T00:00:00Z",
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(
        march["leads"].as_array().unwrap().len(),
        5,
        "funnels by time use the CRM's dates"
    );
}

#[test]
fn an_unusable_header_is_said_once_and_every_row_imports() {
    let server = TestServer::start();
    let csv = "Email,Country/Region,Größe (MA),Notes\n\
               a@one.example,Germany,12,x\n\
               b@two.example,United States,40,y\n\
               c@three.example,UK,7,z\n";
    let (status, result) = import(&server, "", csv);
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        (result["created"].as_u64(), result["rejected"].as_u64()),
        (Some(3), Some(0)),
        "{result}"
    );
    let warnings = result["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{result}");
    assert_eq!(warnings[0]["column"], "Größe (MA)");
    assert!(
        warnings[0]["problem"]
            .as_str()
            .unwrap()
            .contains("cannot be a custom field name")
    );
    let countries: Vec<Value> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| lead(&server, &row["id"])["country"].clone())
        .collect();
    assert_eq!(countries, [json!("DE"), json!("US"), json!("GB")]);
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "d@four.example", "country": "Atlantis"})),
    );
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "country");
}
