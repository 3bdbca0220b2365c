use super::*;
use crate::store::SledStore;
use leadhost_store_postgres::PostgresStore;

const FIRST: &str = "first-admin-token-0123456789abcdef";
const SECOND: &str = "second-admin-token-0123456789abcdef";

fn now() -> Time {
    "2026-12-02T09:00:00Z".parse().unwrap()
}

/// On a database several hosts share, a host started with a new value
/// rotates the admin token for every host, and one started again with the
/// old value is refused (it would take the token back from every host).
#[test]
fn a_shared_database_rotates_the_admin_token_and_refuses_the_retired_one() {
    let url = leadhost_store_postgres::test_server::database();
    let (first, second) = (
        PostgresStore::open(&url).unwrap(),
        PostgresStore::open(&url).unwrap(),
    );
    assert!(ensure_admin(&first, Some(FIRST), now()).unwrap().is_none());
    assert!(ensure_admin(&second, Some(FIRST), now()).unwrap().is_none());
    assert_eq!(authenticate(&first, Some(FIRST)).unwrap(), Principal::Admin);

    ensure_admin(&second, Some(SECOND), now()).unwrap();
    assert_eq!(
        authenticate(&second, Some(SECOND)).unwrap(),
        Principal::Admin
    );
    assert!(matches!(
        authenticate(&second, Some(FIRST)),
        Err(AuthError::Invalid)
    ));

    let refused = ensure_admin(&first, Some(FIRST), now()).unwrap_err();
    assert!(
        matches!(refused, AdminTokenError::Retired { retired_at } if retired_at == now()),
        "{refused}"
    );
    assert!(
        refused
            .to_string()
            .contains("start every host with the current value")
    );
    assert_eq!(
        authenticate(&first, Some(SECOND)).unwrap(),
        Principal::Admin,
        "the refused start took nothing back"
    );
}

/// A store one process holds takes the value it is given, an old one too:
/// there is no other host to take it from.
#[test]
fn a_store_of_one_process_takes_an_old_value_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), crate::store::Durability::Flush).unwrap();
    ensure_admin(&store, Some(FIRST), now()).unwrap();
    ensure_admin(&store, Some(SECOND), now()).unwrap();
    ensure_admin(&store, Some(FIRST), now()).unwrap();
    assert_eq!(authenticate(&store, Some(FIRST)).unwrap(), Principal::Admin);
    assert!(matches!(
        authenticate(&store, Some(SECOND)),
        Err(AuthError::Invalid)
    ));
}
