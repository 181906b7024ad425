//! CPU time of this process and of another one, from `/proc`: shared by the benchmark examples
//! (`#[path = "support/cpu.rs"] mod cpu;`), which report client and server CPU per operation.

/// Linux reports `/proc/*/stat` times in USER_HZ ticks, 100 per second on every architecture
/// this runs on (it is fixed by the ABI, not by the kernel's CONFIG_HZ).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time of this process, all live threads, in nanoseconds (first field of `schedstat`).
pub fn own_cpu_ns() -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let path = task.expect("task entry").path().join("schedstat");
        // A thread may end between the listing and the read; it then no longer counts.
        if let Ok(text) = std::fs::read_to_string(path) {
            total += text
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    total
}

/// utime + stime of a process (`"self"` or a PID; all its threads, dead ones included), in
/// microseconds.
pub fn stat_cpu_us(pid: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .unwrap_or_else(|e| panic!("/proc/{pid}/stat: {e}"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &text[text.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    ticks * 1_000_000 / TICKS_PER_SECOND
}
