use super::*;

fn org(id: &str) -> Principal {
    Principal::Org(id.into())
}

fn limits() -> SessionLimits {
    SessionLimits {
        per_principal: 3,
        total: 5,
        idle: Duration::from_secs(60),
        lifetime: Duration::from_secs(600),
    }
}

#[test]
fn a_session_is_found_by_its_id_and_ends_at_sign_out() {
    let sessions = Sessions::new(limits());
    let now = Instant::now();
    let id = sessions.start(org("acme"), "digest".into(), now);
    assert_eq!(id.len(), 64);
    let (session, _) = sessions.find(&id, now).expect("live");
    assert_eq!(session.principal, org("acme"));
    assert_eq!(session.csrf.len(), 64);
    assert!(sessions.find("not-an-id", now).is_none());
    sessions.end(&id);
    assert!(sessions.find(&id, now).is_none());
}

#[test]
fn an_idle_or_old_session_ends() {
    let sessions = Sessions::new(limits());
    let start = Instant::now();
    let id = sessions.start(org("acme"), "digest".into(), start);
    // Used every 50 s it stays alive past the idle limit...
    for step in 1..=11 {
        let at = start + Duration::from_secs(50 * step);
        assert!(sessions.find(&id, at).is_some(), "alive at step {step}");
    }
    // ...until its lifetime runs out.
    assert!(
        sessions
            .find(&id, start + Duration::from_secs(601))
            .is_none()
    );
    let idle = sessions.start(org("acme"), "digest".into(), start);
    assert!(
        sessions
            .find(&idle, start + Duration::from_secs(61))
            .is_none()
    );
}

#[test]
fn one_principal_holds_a_bounded_number_of_sessions_and_cannot_evict_another() {
    let sessions = Sessions::new(limits());
    let now = Instant::now();
    let other = sessions.start(org("other"), "d".into(), now);
    let ids: Vec<String> = (0..10u64)
        .map(|i| sessions.start(org("acme"), "d".into(), now + Duration::from_millis(i)))
        .collect();
    let later = now + Duration::from_secs(1);
    let live: Vec<&String> = ids
        .iter()
        .filter(|id| sessions.find(id, later).is_some())
        .collect();
    // Its three most recent sessions, and the other org's one.
    assert_eq!(live, ids[7..].iter().collect::<Vec<_>>());
    assert!(sessions.find(&other, later).is_some());
    assert_eq!(sessions.len(), 4);
}

#[test]
fn the_whole_table_is_bounded() {
    let sessions = Sessions::new(limits());
    let now = Instant::now();
    for i in 0..20u64 {
        sessions.start(
            org(&format!("org-{i}")),
            "d".into(),
            now + Duration::from_millis(i),
        );
    }
    assert_eq!(sessions.len(), 5);
}

#[test]
fn a_notice_is_shown_once() {
    let sessions = Sessions::new(limits());
    let now = Instant::now();
    let id = sessions.start(org("acme"), "d".into(), now);
    let notice = Notice {
        ok: true,
        text: "Rolled back".into(),
    };
    sessions.notify(&id, notice.clone());
    assert_eq!(sessions.find(&id, now).unwrap().1, Some(notice));
    assert_eq!(sessions.find(&id, now).unwrap().1, None);
}

#[test]
fn the_csrf_secret_must_match_whole() {
    let sessions = Sessions::new(limits());
    let now = Instant::now();
    let id = sessions.start(org("acme"), "d".into(), now);
    let (session, _) = sessions.find(&id, now).unwrap();
    assert!(csrf_matches(&session, &session.csrf.clone()));
    assert!(!csrf_matches(&session, ""));
    assert!(!csrf_matches(&session, &session.csrf[..63]));
    let mut wrong = session.csrf.clone().into_bytes();
    wrong[10] = if wrong[10] == b'a' { b'b' } else { b'a' };
    assert!(!csrf_matches(&session, &String::from_utf8(wrong).unwrap()));
}
