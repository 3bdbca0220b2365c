//! The frame every page shares: head, menu, sign-out, the notice a post
//! left, and a skip link so keyboard users reach the content first.

use maud::{DOCTYPE, Markup, html};

use crate::session::Notice;

/// What the frame of a signed-in page needs.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The org the page is about; `None` on the admin's org list.
    pub org: Option<String>,
    /// Whether the session is the admin's (it may switch orgs).
    pub admin: bool,
    /// The session's CSRF secret, for the sign-out form.
    pub csrf: String,
    /// What the last post did, shown once.
    pub notice: Option<Notice>,
}

/// The sections of an org, in menu order: (path under `/orgs/{org}`, label).
pub const MENU: [(&str, &str); 7] = [
    ("funnel", "Funnel"),
    ("leads", "Leads"),
    ("plugins", "Plug-ins"),
    ("lab", "Backtests & shadows"),
    ("reps", "Reps"),
    ("tasks", "Tasks"),
    ("deliveries", "Deliveries"),
];

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · leadhost" }
            link rel="stylesheet" href="/assets/style.css";
        }
    }
}

/// A signed-in page: `section` is the menu entry to mark current.
pub fn page(chrome: &Chrome, section: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "leadhost" }
                    @if let Some(org) = &chrome.org {
                        span.org { "org " strong { (org) } }
                        @if chrome.admin { a href="/" { "switch org" } }
                    }
                    form.sign-out method="post" action="/sign-out" {
                        input type="hidden" name="csrf" value=(chrome.csrf);
                        button type="submit" { "Sign out" }
                    }
                }
                @if let Some(org) = &chrome.org {
                    nav aria-label="Sections" {
                        ul {
                            @for (path, label) in MENU {
                                li {
                                    @if path == section {
                                        a href={ "/orgs/" (org) "/" (path) } aria-current="page" { (label) }
                                    } @else {
                                        a href={ "/orgs/" (org) "/" (path) } { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main {
                    @if let Some(notice) = &chrome.notice {
                        p.notice.ok[notice.ok].failed[!notice.ok] role="status" { (notice.text) }
                    }
                    (body)
                }
            }
        }
    }
}

/// A page outside a session: sign-in, errors.
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                header.top { a.brand href="/" { "leadhost" } }
                main #main { (body) }
            }
        }
    }
}

/// A hidden field with the session's CSRF secret, for every form.
pub fn csrf_field(chrome: &Chrome) -> Markup {
    html! { input type="hidden" name="csrf" value=(chrome.csrf); }
}
