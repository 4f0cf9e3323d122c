//! CPU time from `/proc`: of one thread by name (the fake's server thread is called
//! `fake-sqs-<port>`) from its `schedstat`, in exact nanoseconds; of the whole process
//! from `stat`, in 10 ms ticks but counting threads that have ended too.

use std::path::Path;
use std::time::Duration;

/// User + system CPU time of the process, ended threads included.
pub fn process() -> Duration {
    // Fields 14 and 15 (utime, stime), counted after the command name's closing
    // parenthesis since the name may hold spaces; 100 ticks a second on Linux.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rfind(')')
        .map(|end| stat[end + 2..].split(' ').collect())
        .unwrap_or_default();
    let ticks: u64 = fields
        .get(11..13)
        .map(|t| t.iter().filter_map(|f| f.parse::<u64>().ok()).sum())
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Waits (up to 10 s) until no thread named `prefix...` is left: a dropped fake's server
/// thread frees its state when it ends, and that must not fall into a heap count.
pub async fn wait_for_threads_to_end(prefix: &str) {
    for _ in 0..1000 {
        let alive = tasks().iter().any(|task| {
            std::fs::read_to_string(task.join("comm")).is_ok_and(|c| c.starts_with(prefix))
        });
        if !alive {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// CPU time of this process's thread named `name`, if there is one.
pub fn thread(name: &str) -> Option<Duration> {
    tasks().into_iter().find_map(|task| {
        let comm = std::fs::read_to_string(task.join("comm")).ok()?;
        (comm.trim_end() == name).then(|| on_cpu(&task)).flatten()
    })
}

/// One thread's CPU time, read again and again without looking the thread up.
pub struct ThreadClock(std::path::PathBuf);

impl ThreadClock {
    /// The clock of this process's thread named `name`.
    pub fn named(name: &str) -> Option<ThreadClock> {
        tasks().into_iter().find_map(|task| {
            let comm = std::fs::read_to_string(task.join("comm")).ok()?;
            (comm.trim_end() == name).then_some(ThreadClock(task))
        })
    }

    /// CPU time the thread has used so far.
    pub fn read(&self) -> Duration {
        on_cpu(&self.0).unwrap_or_default()
    }
}

fn tasks() -> Vec<std::path::PathBuf> {
    std::fs::read_dir("/proc/self/task")
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The first field of `schedstat`: nanoseconds this task has run.
fn on_cpu(task: &Path) -> Option<Duration> {
    let schedstat = std::fs::read_to_string(task.join("schedstat")).ok()?;
    let nanos = schedstat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
