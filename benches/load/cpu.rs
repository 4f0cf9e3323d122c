//! CPU time from `/proc/self/task/*/schedstat` (nanoseconds on a CPU, exact, unlike the
//! 10 ms ticks of `stat`): of the whole process, or of one thread by name (the fake's
//! server thread is called `fake-sqs-<port>`).

use std::path::Path;
use std::time::Duration;

/// CPU time of every thread of the process, summed.
pub fn process() -> Duration {
    tasks()
        .iter()
        .filter_map(|task| on_cpu(task))
        .sum::<Duration>()
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
