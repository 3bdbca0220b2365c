//! A real, headless Chromium (Debian's, installed by `scripts/test.sh`)
//! driven over WebDriver by its chromedriver, each test with a browser
//! and a profile of its own; both stop when dropped. Only loopback is
//! reached: the flags keep Chromium from calling home.
//!
//! Its methods block (each runs the WebDriver call on the browser's own
//! runtime), so a test mixes browser steps with the blocking API client.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// chromedriver's path: `LEADHOST_CHROMEDRIVER`, or Debian's.
fn chromedriver_path() -> String {
    std::env::var("LEADHOST_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// Chromium's path: `LEADHOST_CHROMIUM`, or Debian's.
fn chromium_path() -> String {
    std::env::var("LEADHOST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// A browser session and the chromedriver serving it.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    runtime: tokio::runtime::Runtime,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium at 1280×800.
    pub fn start() -> Browser {
        Browser::start_sized(1280, 800)
    }

    /// Starts chromedriver and a headless Chromium with this window size.
    pub fn start_sized(width: u32, height: u32) -> Browser {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let driver_path = chromedriver_path();
        assert!(
            std::path::Path::new(&driver_path).exists()
                && std::path::Path::new(&chromium_path()).exists(),
            "the browser tests need Debian's chromium and chromium-driver ({driver_path}): \
             scripts/test.sh installs them, or `apt-get install chromium chromium-driver`"
        );
        let port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect(address).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut capabilities = serde_json::Map::new();
        let mut options = json!({
                "binary": chromium_path(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
        });
        // A headless window is at least 500 px wide; a phone's width needs
        // the device emulation.
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1 }
            });
        }
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = runtime
            .block_on(
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(capabilities)
                    .connect(&format!("http://{address}")),
            )
            .expect("chromedriver starts a Chromium session");
        Browser {
            client,
            runtime,
            driver,
            _profile: profile,
        }
    }

    /// Opens `url` and waits for its page to load.
    pub fn open(&self, url: &str) {
        self.run(self.client.goto(url)).expect("the page opens");
    }

    /// Runs one WebDriver call to its end.
    pub fn run<T>(&self, call: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(call)
    }

    /// Signs in on the sign-in page at `base` with `token`, as a person
    /// would: types it and presses the button.
    pub fn sign_in(&self, base: &str, token: &str) {
        self.open(&format!("{base}/"));
        let field = self.find("form input[name=token]");
        self.run(field.send_keys(token)).unwrap();
        self.click("form[action='/'] button[type=submit]");
    }

    /// The element `css` selects (waiting up to 10 s for it).
    pub fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.run(
            self.client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css)),
        )
        .unwrap_or_else(|error| panic!("no element `{css}` on {}: {error}", self.path()))
    }

    /// Every element `css` selects now.
    pub fn find_all(&self, css: &str) -> Vec<fantoccini::elements::Element> {
        self.run(self.client.find_all(Locator::Css(css))).unwrap()
    }

    /// The texts of every element `css` selects now.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.find_all(css)
            .into_iter()
            .map(|element| self.run(element.text()).unwrap())
            .collect()
    }

    /// The text of the element `css` selects.
    pub fn text(&self, css: &str) -> String {
        // A page that refreshes itself (a running backtest) may replace the
        // element between finding and reading it: find it again.
        for _ in 0..5 {
            let element = self.find(css);
            match self.run(element.text()) {
                Ok(text) => return text,
                Err(error) if error.to_string().contains("stale") => continue,
                Err(error) => panic!("the text of `{css}`: {error}"),
            }
        }
        panic!("`{css}` kept going stale")
    }

    /// Clicks the element `css` selects, which loads a page (a link, a
    /// form's button), and waits until the new page has replaced this one.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.follow(element);
    }

    /// Clicks `element`, which loads a page, and waits for it.
    pub fn follow(&self, element: fantoccini::elements::Element) {
        self.loading(|| {
            self.run(element.click()).unwrap();
        });
    }

    /// Runs `script`, which submits a form, and waits for the page it loads.
    pub fn submit_by_script(&self, script: &str) {
        self.loading(|| {
            self.run(self.client.execute(script, vec![])).unwrap();
        });
    }

    /// Does `action`, which loads a page, and waits for it.
    fn loading(&self, action: impl FnOnce()) {
        let page = self.run(self.client.find(Locator::Css("html"))).unwrap();
        action();
        let started = Instant::now();
        // The old page's root goes stale once the new page is there.
        while self.run(page.tag_name()).is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the click loaded no page"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        self.run(
            self.client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css("body")),
        )
        .unwrap();
    }

    /// Clicks the element `css` selects, which changes this page only (a
    /// `<details>` summary).
    pub fn click_in_page(&self, css: &str) {
        let element = self.find(css);
        self.run(element.click()).unwrap();
    }

    /// The page's path and query.
    pub fn path(&self) -> String {
        let url = self.run(self.client.current_url()).unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The `<h1>` of the page.
    pub fn heading(&self) -> String {
        self.text("h1")
    }

    /// Saves a screenshot as `target/ui-screenshots/{name}.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.run(self.client.screenshot()).expect("a screenshot");
        let folder = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/ui-screenshots"
        ));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// The session cookie's value, as the browser holds it.
    pub fn session_cookie(&self) -> Option<String> {
        let cookies = self.run(self.client.get_all_cookies()).unwrap();
        cookies
            .iter()
            .find(|cookie| cookie.name() == "leadhost_session")
            .map(|cookie| cookie.value().to_string())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.runtime.block_on(self.client.clone().close());
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
