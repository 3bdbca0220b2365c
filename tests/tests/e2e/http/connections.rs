//! Slow and idle clients on raw sockets: a client that trickles its headers,
//! a connection that sits idle, and more connections than the limit. The
//! timeouts in these tests are short; the assertions leave generous slack
//! (a close must come after the timeout and well within seconds of it).

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use leadhost::api::HttpLimits;

use super::server::TestServer;

/// The timeout the tests configure.
const SHORT: Duration = Duration::from_millis(500);
/// A timeout the tests never reach.
const LONG: Duration = Duration::from_secs(60);
/// How long after its timeout a close may come and still pass.
const SLACK: Duration = Duration::from_secs(5);

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// Reads until the server closes the connection or `limit` passes; returns
/// what was read and, if it closed, when (after `since`).
fn read_until_closed(
    stream: &mut TcpStream,
    since: Instant,
    limit: Duration,
) -> (String, Option<Duration>) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(since.elapsed());
        if left.is_zero() {
            return (String::from_utf8_lossy(&received).into(), None);
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buffer) {
            Ok(0) => {
                return (
                    String::from_utf8_lossy(&received).into(),
                    Some(since.elapsed()),
                );
            }
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (String::from_utf8_lossy(&received).into(), None);
            }
            Err(_) => {
                return (
                    String::from_utf8_lossy(&received).into(),
                    Some(since.elapsed()),
                );
            }
        }
    }
}

fn connect(address: SocketAddr) -> TcpStream {
    TcpStream::connect(address).expect("connect on loopback")
}

#[test]
fn clients_trickling_headers_are_cut_off_after_the_header_read_timeout_while_others_are_served() {
    let server = TestServer::start_with(HttpLimits {
        header_read_timeout: SHORT,
        idle_timeout: LONG,
        ..HttpLimits::default()
    });
    let address = server.address;
    const SLOW: usize = 20;
    let slow: Vec<_> = (0..SLOW)
        .map(|_| {
            std::thread::spawn(move || {
                let mut stream = connect(address);
                let opened = Instant::now();
                let mut writer = stream.try_clone().unwrap();
                // One byte every 200 ms of a request head that never ends,
                // until the server hangs up.
                std::thread::spawn(move || {
                    let head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
                    for byte in head.iter().chain(std::iter::repeat(&b'a')) {
                        if writer.write_all(&[*byte]).is_err() {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(200));
                        if opened.elapsed() > LONG {
                            return;
                        }
                    }
                });
                read_until_closed(&mut stream, opened, SHORT + SLACK)
            })
        })
        .collect();
    // Meanwhile a normal client is served.
    std::thread::sleep(Duration::from_millis(100));
    let health = server.client.get(server.url("/healthz")).send().unwrap();
    assert_eq!(health.status().as_u16(), 200);
    for client in slow {
        let (received, closed) = client.join().unwrap();
        let closed = closed.unwrap_or_else(|| {
            panic!("a client trickling its headers was still connected after {SHORT:?} + {SLACK:?}")
        });
        assert!(closed >= SHORT.mul_f32(0.9), "closed too early: {closed:?}");
        assert!(!received.contains("200 OK"), "{received}");
    }

    // A keep-alive connection waiting for its next request is bounded by
    // the same timeout (hyper re-arms it when the connection goes idle).
    let mut stream = connect(address);
    stream.write_all(HEALTHZ).unwrap();
    let sent = Instant::now();
    let (received, closed) = read_until_closed(&mut stream, sent, SHORT + SLACK);
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert!(
        closed.is_some_and(|closed| closed >= SHORT.mul_f32(0.9)),
        "{closed:?}"
    );
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout_but_a_request_in_flight_is_not() {
    let server = TestServer::start_with(HttpLimits {
        header_read_timeout: LONG,
        idle_timeout: SHORT,
        ..HttpLimits::default()
    });
    // A keep-alive connection after its response.
    let mut served = connect(server.address);
    served.write_all(HEALTHZ).unwrap();
    let sent = Instant::now();
    let (received, closed) = read_until_closed(&mut served, sent, SHORT + SLACK);
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert!(
        received.ends_with("ok\n"),
        "the whole response came: {received}"
    );
    let closed = closed.expect("an idle keep-alive connection is closed");
    assert!(closed >= SHORT.mul_f32(0.9), "{closed:?}");

    // A connection that never sends anything.
    let mut silent = connect(server.address);
    let opened = Instant::now();
    let (received, closed) = read_until_closed(&mut silent, opened, SHORT + SLACK);
    assert!(received.is_empty(), "{received}");
    assert!(
        closed.is_some_and(|closed| closed >= SHORT.mul_f32(0.9)),
        "{closed:?}"
    );

    // A request whose handler waits three idle timeouts for the rest of its
    // body is in flight, not idle: it is answered.
    let body = br#"{"email": "slow.body@kranwerk.example", "country": "DE"}"#;
    let head = format!(
        "POST /v1/orgs/demo/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        server.demo,
        body.len()
    );
    let mut slow_body = connect(server.address);
    slow_body.write_all(head.as_bytes()).unwrap();
    slow_body.write_all(&body[..10]).unwrap();
    std::thread::sleep(SHORT * 3);
    slow_body.write_all(&body[10..]).unwrap();
    let (received, _) = read_until_closed(&mut slow_body, Instant::now(), SHORT + SLACK);
    assert!(received.starts_with("HTTP/1.1 201"), "{received}");
}

#[test]
fn beyond_max_connections_a_connection_waits_until_one_closes() {
    let server = TestServer::start_with(HttpLimits {
        header_read_timeout: LONG,
        idle_timeout: LONG,
        max_connections: 2,
        ..HttpLimits::default()
    });
    let first = connect(server.address);
    let second = connect(server.address);
    // Let the accept loop take both before the third arrives.
    std::thread::sleep(Duration::from_millis(300));
    let mut third = connect(server.address);
    third.write_all(HEALTHZ).unwrap();
    third
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut buffer = [0u8; 256];
    match third.read(&mut buffer) {
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("the third connection was served at the limit: {other:?}"),
    }
    drop(first);
    let freed = Instant::now();
    third.set_read_timeout(Some(SLACK)).unwrap();
    let read = third.read(&mut buffer).expect("served once a slot is free");
    let answer = String::from_utf8_lossy(&buffer[..read]);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(freed.elapsed() < SLACK);
    drop((second, third));

    let deadline = Instant::now() + SLACK;
    let metrics = loop {
        // The freed slots come back as the server notices the closes.
        match server.client.get(server.url("/metrics")).send() {
            Ok(response) => break response.text().unwrap(),
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => panic!("{error}"),
        }
    };
    assert!(
        metrics.contains("leadhost_http_connection_limit_reached_total{listener=\"api\"}"),
        "{metrics}"
    );
}
