//! Stage timings of long computations (the build's text index and topic model), printed to
//! standard error when `PAPERSIFT_TIMING` is set, with the resident memory after each stage
//! where the system says it (Linux), so a regression in time or memory shows where it is.
//! Native only: in the browser every call does nothing.

/// Marks the end of stages of one computation, named `what` in its lines.
pub struct StageTimer {
    #[cfg(not(target_arch = "wasm32"))]
    last: Option<(&'static str, std::cell::Cell<std::time::Instant>)>,
}

impl StageTimer {
    /// A timer that prints only when `PAPERSIFT_TIMING` is set.
    pub fn new(_what: &'static str) -> StageTimer {
        #[cfg(not(target_arch = "wasm32"))]
        {
            StageTimer {
                last: std::env::var_os("PAPERSIFT_TIMING")
                    .map(|_| (_what, std::cell::Cell::new(std::time::Instant::now()))),
            }
        }
        #[cfg(target_arch = "wasm32")]
        StageTimer {}
    }

    /// Prints the time since the last mark (or the start), for the stage just finished.
    pub fn mark(&self, _stage: &str) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some((what, last)) = &self.last {
            let now = std::time::Instant::now();
            let memory = resident_mb().map(|mb| format!("  resident {mb:>6} MB")).unwrap_or_default();
            eprintln!("  {what}: {_stage:<20} {:>8.2} s{memory}", (now - last.get()).as_secs_f64());
            last.set(now);
        }
    }
}

/// The process's resident memory in megabytes (Linux `VmRSS`).
#[cfg(not(target_arch = "wasm32"))]
fn resident_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}
