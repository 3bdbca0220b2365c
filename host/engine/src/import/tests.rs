//! The CSV reader: header mapping, cells, and file-level refusals.
use super::*;

type Row = (usize, Result<LeadSubmission, Vec<FieldError>>);

fn settings(overrides: &[&str]) -> ImportSettings {
    ImportSettings {
        map: overrides.iter().map(|s| s.to_string()).collect(),
        ..ImportSettings::default()
    }
}

fn read_all(csv: &str, settings: &ImportSettings) -> Result<(Vec<Row>, Mapping), ImportError> {
    let (mut reader, mapping) = open(csv.as_bytes(), Some(csv.as_bytes()), settings)?;
    let mut row = csv::StringRecord::new();
    let rows = std::iter::from_fn(|| next_row(&mut reader, &mapping, &mut row)).collect();
    Ok((rows, mapping))
}

fn rows(csv: &str, overrides: &[&str]) -> Vec<Row> {
    read_all(csv, &settings(overrides)).unwrap().0
}

fn errors(row: &Row) -> Vec<String> {
    row.1
        .as_ref()
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn headers_map_by_name_alias_and_override() {
    let csv = "E-mail,Company Name,Employees,Budget,Need,Plan,Notes\n\
               dana@northwind.example,Northwind,\"1,200\",60000,High,pro,skip me\n";
    let parsed = rows(csv, &["Notes=-", "Plan=custom.tier"]);
    let (line, submission) = &parsed[0];
    let submission = submission.as_ref().unwrap();
    assert_eq!(*line, 2);
    assert_eq!(submission.email, "dana@northwind.example");
    assert_eq!(submission.company.as_deref(), Some("Northwind"));
    assert_eq!(submission.company_size, Some(1200));
    assert_eq!(submission.budget, Some(60000.0));
    assert_eq!(submission.need, Some(crate::model::Need::High));
    assert_eq!(submission.custom.keys().collect::<Vec<_>>(), ["tier"]);
}

#[test]
fn a_bad_row_names_its_line_and_field() {
    let parsed = rows(
        "email,employees,authority\na@b.example,many,ceo\nc@d.example,5,user\n",
        &[],
    );
    let errors = parsed[0].1.as_ref().unwrap_err();
    assert_eq!((parsed[0].0, errors[0].field.as_str()), (2, "company_size"));
    assert!(
        errors[0].problem.contains("`many` is not a whole number")
            && errors[0].problem.contains("(column `employees`)"),
        "{errors:?}"
    );
    assert!(parsed[1].1.is_ok());
    let authority = rows("email,authority\na@b.example,ceo\n", &[]);
    assert_eq!(authority[0].1.as_ref().unwrap_err()[0].field, "authority");
}

#[test]
fn a_file_without_an_email_column_is_refused() {
    let open = |csv: &'static str, map: &[&str]| {
        super::open(csv.as_bytes(), None::<&[u8]>, &settings(map)).map(|_| ())
    };
    let error = open("name,company\n", &[]).unwrap_err();
    assert!(
        error.to_string().contains("no column maps to `email`"),
        "{error}"
    );
    let error = open("mail\n", &["nope=email"]).unwrap_err();
    assert!(error.to_string().contains("no column `nope`"), "{error}");
    assert!(open("mail\n", &["mail=email"]).is_ok());
    let error = open("mail\n", &["mail=custom.bad name"]).unwrap_err();
    assert!(
        error.to_string().contains("a custom field name needs"),
        "{error}"
    );
}

#[test]
fn european_and_english_numbers_both_ways() {
    let csv = "email,budget,employees\n\
               a@b.example,\"80.000,00\",\"1.200\"\n\
               c@d.example,\"80,000.00\",\"1,200\"\n\
               e@f.example,80.000,\"12.000\"\n";
    let read = |decimal| {
        let settings = ImportSettings {
            decimal,
            ..ImportSettings::default()
        };
        read_all(csv, &settings).unwrap().0
    };
    let comma = read(Decimal::Comma);
    let ok = |row: &Row| row.1.as_ref().map(|s| (s.budget, s.company_size)).ok();
    assert_eq!(ok(&comma[0]), Some((Some(80000.0), Some(1200))));
    assert!(
        errors(&comma[1])[0]
            .starts_with("budget: `80,000.00` is not a number written with a decimal comma"),
        "{:?}",
        errors(&comma[1])
    );
    assert_eq!(ok(&comma[2]), Some((Some(80000.0), Some(12000))));
    let point = read(Decimal::Point);
    assert!(
        errors(&point[0])[0]
            .starts_with("budget: `80.000,00` is not a number written with a decimal point"),
        "{:?}",
        errors(&point[0])
    );
    assert!(errors(&point[0])[0].contains("--decimal comma"));
    assert_eq!(ok(&point[1]), Some((Some(80000.0), Some(1200))));
    assert_eq!(ok(&point[2]), Some((Some(80.0), Some(12))));
    // Not said: a cell read one way only is read; `80.000` and `12.000` are refused.
    let auto = read(Decimal::Auto);
    assert_eq!(ok(&auto[0]), Some((Some(80000.0), Some(1200))));
    assert_eq!(ok(&auto[1]), Some((Some(80000.0), Some(1200))));
    let refused = errors(&auto[2]);
    assert_eq!(auto[2].0, 4, "the line is named");
    assert!(
        refused[0]
            .starts_with("budget: `80.000` could be 80 (decimal point) or 80000 (decimal comma)"),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with("company_size: `12.000` could be 12"),
        "{refused:?}"
    );
    assert!(refused[1].ends_with("(column `employees`)"), "{refused:?}");
}

#[test]
fn a_quoted_cell_keeps_its_line_breaks() {
    let csv = "email,name,notes\n\
               a@b.example,Ann Berg,\"Met at booth B12.\r\nWants:\ta demo\"\n\
               c@d.example,\"Carl\nDahl\",fine\n";
    let parsed = rows(csv, &[]);
    let ann = parsed[0].1.as_ref().unwrap().clone();
    let (lead, _) = ann.validate(chrono::Utc::now()).unwrap();
    assert_eq!(
        lead.custom.get("notes"),
        Some(&crate::model::Scalar::Text(
            "Met at booth B12.\nWants:\ta demo".into()
        ))
    );
    let carl = parsed[1].1.as_ref().unwrap().clone();
    let problems = carl.validate(chrono::Utc::now()).unwrap_err();
    assert_eq!(problems[0].field, "name", "{problems:?}");
    assert_eq!(parsed[1].0, 4, "the second record starts on line 4");
}

#[test]
fn crm_headers_map_to_lead_fields() {
    let csv = "First Name,Last Name,Email Address,Company Name,Job Title,No. of Employees,\
               Country/Region,Lead Source,Created Date,Phone Number,Record ID\n\
               Anna,Kranz,anna@kranwerk.example,Kranwerk,CTO,250,Germany,Web,2024-03-05 14:22,+49 30 1234,00123\n";
    let (parsed, mapping) = read_all(csv, &settings(&[])).unwrap();
    assert!(mapping.warnings().is_empty(), "{:?}", mapping.warnings());
    let anna = parsed[0].1.as_ref().unwrap();
    assert_eq!(anna.name.as_deref(), Some("Anna Kranz"));
    assert_eq!(anna.email, "anna@kranwerk.example");
    assert_eq!(anna.company.as_deref(), Some("Kranwerk"));
    assert_eq!(anna.title.as_deref(), Some("CTO"));
    assert_eq!(anna.company_size, Some(250));
    assert_eq!(
        anna.country.as_deref(),
        Some("Germany"),
        "the engine maps names to codes"
    );
    assert_eq!(anna.source.as_deref(), Some("Web"));
    assert_eq!(
        anna.created_at,
        Some("2024-03-05T14:22:00Z".parse().unwrap())
    );
    assert_eq!(anna.phone.as_deref(), Some("+49 30 1234"), "Phone Number");
    assert_eq!(
        serde_json::to_value(&anna.custom).unwrap(),
        serde_json::json!({"record_id": "00123"})
    );
}

#[test]
fn an_unusable_header_is_said_once_and_its_column_skipped() {
    let csv = "Email,Größe,,Company,Organization,Note\n\
               a@b.example,12,x,Acme,Acme Inc,hi\n\
               c@d.example,13,y,Beta,Beta Inc,ho\n";
    let (parsed, mapping) = read_all(csv, &settings(&[])).unwrap();
    let columns: Vec<&str> = mapping
        .warnings()
        .iter()
        .map(|w| w.column.as_str())
        .collect();
    assert_eq!(
        columns,
        ["Größe", "", "Organization"],
        "{:?}",
        mapping.warnings()
    );
    assert!(
        mapping.warnings()[0]
            .problem
            .contains("--map 'Größe=FIELD'")
    );
    assert!(
        mapping.warnings()[2]
            .problem
            .contains("column `Company` already fills `company`")
    );
    for (_, row) in &parsed {
        let row = row.as_ref().unwrap();
        assert_eq!(row.custom.keys().collect::<Vec<_>>(), ["note"]);
    }
    assert_eq!(
        parsed[1].1.as_ref().unwrap().company.as_deref(),
        Some("Beta")
    );
    // An override takes the field from the column that had it.
    let (parsed, mapping) = read_all(csv, &settings(&["Organization=company"])).unwrap();
    assert_eq!(mapping.warnings()[2].column, "Company");
    assert_eq!(
        parsed[0].1.as_ref().unwrap().company.as_deref(),
        Some("Acme Inc")
    );
}

#[test]
fn too_many_custom_columns_keep_the_first_fifty() {
    let headers: Vec<String> = (0..60).map(|n| format!("c{n}")).collect();
    let cells: Vec<String> = (0..60).map(|n| n.to_string()).collect();
    let csv = format!(
        "email,{}\na@b.example,{}\n",
        headers.join(","),
        cells.join(",")
    );
    let (parsed, mapping) = read_all(&csv, &settings(&[])).unwrap();
    assert_eq!(mapping.warnings().len(), 10);
    assert_eq!(mapping.warnings()[0].column, "c50");
    assert_eq!(parsed[0].1.as_ref().unwrap().custom.len(), 50);
}

#[test]
fn the_files_own_dates_settle_their_order() {
    let file = |dates: &[&str]| {
        let mut csv = String::from("email,Created Date\n");
        for (n, date) in dates.iter().enumerate() {
            csv.push_str(&format!("l{n}@x.example,\"{date}\"\n"));
        }
        csv
    };
    let created = |csv: &str, dates| {
        let settings = ImportSettings {
            dates,
            ..ImportSettings::default()
        };
        read_all(csv, &settings).map(|(rows, _)| {
            rows.into_iter()
                .map(|(_, row)| row.unwrap().created_at.unwrap().format("%F").to_string())
                .collect::<Vec<_>>()
        })
    };
    let us = file(&["3/5/2024 2:22 PM", "3/25/2024 9:00 AM"]);
    assert_eq!(
        created(&us, DateOrder::Auto).unwrap(),
        ["2024-03-05", "2024-03-25"]
    );
    let uk = file(&["03/05/2024 14:22", "25/03/2024 09:00"]);
    assert_eq!(
        created(&uk, DateOrder::Auto).unwrap(),
        ["2024-05-03", "2024-03-25"]
    );
    let unclear = file(&["3/5/2024", "4/6/2024"]);
    let error = created(&unclear, DateOrder::Auto).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("column `Created Date`: dates like `3/5/2024` could be month or day first"),
        "{error}"
    );
    assert_eq!(
        created(&unclear, DateOrder::Dmy).unwrap(),
        ["2024-05-03", "2024-06-04"]
    );
    let mixed = file(&["3/25/2024", "25/3/2024"]);
    let error = created(&mixed, DateOrder::Auto).unwrap_err();
    assert!(
        matches!(error, ImportError::DateOrderMixed { .. }),
        "{error}"
    );
}
