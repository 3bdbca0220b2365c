//! CPU priority for background work: backtests and shadow calls run at the
//! lowest, so live calls and requests take the cores first.

/// Lowers the calling thread (and the threads it starts) to the lowest CPU
/// priority (nice 19). Best effort: a failure leaves it as it was.
pub(crate) fn lowest() {
    // SAFETY: setpriority(2) on the calling thread (who = 0 names it on
    // Linux, where the nice value is per thread); no memory is touched.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
}
