//! TLS to a real PostgreSQL with a certificate a test CA signed.

use crate::PostgresStore;

fn encrypted(store: &PostgresStore) -> bool {
    store
        .rows(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            Vec::new(),
        )
        .unwrap()[0]
        .get(0)
}

/// Each `sslmode` as libpq means it: `prefer` (the default) and `require`
/// encrypt, `verify-full` too once the certificate checks out against the
/// CA given, `disable` does not; another CA's certificate is refused,
/// naming why; `require` against a server without TLS fails.
#[test]
fn each_sslmode_connects_as_libpq_would() {
    let server = crate::test_server::private();
    let ca = server.enable_tls().unwrap();
    let url = server.database();
    let open = |query: &str| PostgresStore::open(&format!("{url}{query}"));
    assert!(encrypted(&open("").unwrap()), "prefer, the default");
    assert!(encrypted(&open("?sslmode=require").unwrap()));
    assert!(!encrypted(&open("?sslmode=disable").unwrap()));
    let verified = open(&format!(
        "?sslmode=verify-full&sslrootcert={}",
        ca.display()
    ))
    .unwrap();
    assert!(encrypted(&verified));

    // Another CA, made the same way, does not vouch for this server.
    let other = crate::test_server::private().enable_tls().unwrap();
    let refused = open(&format!(
        "?sslmode=verify-full&sslrootcert={}",
        other.display()
    ))
    .err()
    .expect("a certificate another CA signed is refused");
    let mut text = refused.to_string();
    let mut cause = std::error::Error::source(&refused);
    while let Some(next) = cause {
        text.push_str(&format!(": {next}"));
        cause = next.source();
    }
    assert!(text.contains("certificate"), "{text}");

    let plain = crate::test_server::database();
    assert!(
        PostgresStore::open(&format!("{plain}?sslmode=require")).is_err(),
        "a server without TLS is refused when TLS is required"
    );
}
