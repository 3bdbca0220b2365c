//! A guest's `log` lines: tagged with the org and plug-in, capped in
//! number and length, and its last problems kept for a trap's message.

use std::collections::VecDeque;

use super::{GuestLevel, one_line};

/// How many of a call's last `warn` and `error` log lines a trap keeps: a
/// component without stderr (Python built with `--stub-wasi`) logs its
/// exception and then traps, and the trap must say what the guest said.
pub(crate) const KEPT_PROBLEM_LINES: usize = 5;

/// A guest's `log` lines: tagged, counted, capped.
pub(super) struct GuestLog {
    /// The org of the call.
    pub(super) org: String,
    /// `name@hash` of the plug-in.
    pub(super) plugin: String,
    /// Lines written so far.
    pub(super) lines: usize,
    /// Lines kept per call.
    pub(super) max_lines: usize,
    /// Bytes kept per line.
    pub(super) max_line_bytes: usize,
    /// The last `warn` and `error` lines written (at most
    /// [`KEPT_PROBLEM_LINES`]), for a trap's message.
    pub(super) problems: VecDeque<String>,
}

impl GuestLog {
    /// Writes one line to the host's log, keeping it if it is a problem.
    pub(super) fn write(&mut self, level: GuestLevel, message: &str) {
        let mut end = message.len().min(self.max_line_bytes);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let message = one_line(&message[..end]);
        // Kept even past the line cap: the last problem is what a trap
        // that follows must show, and at most five lines are kept.
        if matches!(level, GuestLevel::Warn | GuestLevel::Error) {
            if self.problems.len() == KEPT_PROBLEM_LINES {
                self.problems.pop_front();
            }
            self.problems.push_back(message.clone().into_owned());
        }
        self.lines += 1;
        if self.lines > self.max_lines {
            if self.lines == self.max_lines + 1 {
                tracing::warn!(target: "leadhost::guest", org = %self.org, plugin = %self.plugin, "log cap of {} lines reached; dropping the rest", self.max_lines);
            }
            return;
        }
        let (org, plugin) = (&self.org, &self.plugin);
        match level {
            GuestLevel::Trace => {
                tracing::trace!(target: "leadhost::guest", org, plugin, "{message}")
            }
            GuestLevel::Debug => {
                tracing::debug!(target: "leadhost::guest", org, plugin, "{message}")
            }
            GuestLevel::Info => tracing::info!(target: "leadhost::guest", org, plugin, "{message}"),
            GuestLevel::Warn => tracing::warn!(target: "leadhost::guest", org, plugin, "{message}"),
            GuestLevel::Error => {
                tracing::error!(target: "leadhost::guest", org, plugin, "{message}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_warn_and_error_lines_are_kept_for_a_trap_even_past_the_cap() {
        let mut log = GuestLog {
            org: "acme".into(),
            plugin: "p@1".into(),
            lines: 0,
            max_lines: 3,
            max_line_bytes: 40,
            problems: VecDeque::new(),
        };
        log.write(GuestLevel::Info, "fine");
        for n in 0..7 {
            log.write(GuestLevel::Warn, &format!("warning {n}"));
        }
        log.write(
            GuestLevel::Error,
            "uncaught KeyError: 'x' (app.py:9)\nsecond line, cut at forty bytes",
        );
        let kept: Vec<_> = log.problems.iter().map(String::as_str).collect();
        assert_eq!(
            kept,
            [
                "warning 3",
                "warning 4",
                "warning 5",
                "warning 6",
                "uncaught KeyError: 'x' (app.py:9)\\nsecond"
            ]
        );
    }
}
