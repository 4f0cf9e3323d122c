//! CPU time from `/proc`: of the whole process, or of one thread by name (the fake's
//! server thread is called `fake-sqs-<port>`).

use std::time::Duration;

/// Clock ticks per second of `/proc` times; 100 on every Linux this runs on.
const TICKS_PER_SECOND: u64 = 100;

/// User + system CPU time of the process.
pub fn process() -> Duration {
    stat_cpu("/proc/self/stat").unwrap_or_default()
}

/// User + system CPU time of this process's thread named `name`, if there is one.
pub fn thread(name: &str) -> Option<Duration> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim_end() == name {
            return stat_cpu(&task.path().join("stat").to_string_lossy());
        }
    }
    None
}

/// utime + stime (fields 14 and 15) of a `stat` file. The command name in field 2 may
/// hold spaces, so fields are counted after its closing parenthesis.
fn stat_cpu(path: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(path).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis(
        (utime + stime) * 1000 / TICKS_PER_SECOND,
    ))
}
