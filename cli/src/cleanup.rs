//! What an interruption (Ctrl-C, SIGTERM, SIGHUP) must not leave behind.
//!
//! A signal ends the process without running destructors, so `AtomicFile`'s removal of its
//! temporary file never happens: a `decrypt -o` stopped half-way would leave partial plaintext
//! beside the target, and an interrupted `demo` would leave its key servers running. Such things
//! register here; a watcher thread undoes them and exits with 128 + the signal number.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use tokio::signal::unix::{SignalKind, signal};

/// Everything to undo if the process is interrupted now.
struct Pending {
    /// Temporary output files, removed.
    files: Vec<PathBuf>,
    /// Test key servers as (harness script, state directory), stopped.
    servers: Vec<(PathBuf, PathBuf)>,
    /// Scratch directories, removed after the servers stopped.
    dirs: Vec<PathBuf>,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending {
    files: Vec::new(),
    servers: Vec::new(),
    dirs: Vec::new(),
});

fn pending() -> MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Installs the handlers now (so nothing registered later can be missed) and watches on a thread.
pub fn watch(json: bool) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    else {
        return;
    };
    let signals = {
        let _entered = runtime.enter();
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        )
    };
    let (Ok(mut int), Ok(mut term), Ok(mut hup)) = signals else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("kmipkit-signals".into())
        .spawn(move || {
            let (name, number) = runtime.block_on(async {
                tokio::select! {
                    _ = int.recv() => ("SIGINT", 2),
                    _ = term.recv() => ("SIGTERM", 15),
                    _ = hup.recv() => ("SIGHUP", 1),
                }
            });
            // The lock is kept until exit: the main thread cannot register (and then create)
            // another temporary file after this cleanup.
            let mut pending = pending();
            let (files, servers) = undo(&mut pending);
            if files + servers > 0 {
                report(json, name, 128 + number, files, servers);
            }
            std::process::exit(128 + number);
        });
    drop(spawned);
}

/// Stops the servers, then removes the files and directories; returns how many files it
/// removed and servers it stopped.
fn undo(pending: &mut Pending) -> (usize, usize) {
    let servers = pending.servers.len();
    for (script, dir) in pending.servers.drain(..) {
        let _ = Command::new(script)
            .args(["stop", "--dir"])
            .arg(dir)
            .output();
    }
    let files = pending
        .files
        .drain(..)
        .filter(|f| std::fs::remove_file(f).is_ok())
        .count();
    for dir in pending.dirs.drain(..) {
        let _ = std::fs::remove_dir_all(dir);
    }
    (files, servers)
}

fn report(json: bool, signal: &str, code: i32, files: usize, servers: usize) {
    let mut message = format!("interrupted by {signal}");
    if files > 0 {
        message.push_str(&format!(
            "; removed {files} unfinished output file(s): nothing was written under the target name"
        ));
    }
    if servers > 0 {
        message.push_str(&format!("; stopped {servers} test key server(s)"));
    }
    if json {
        let doc = serde_json::json!({"error": {"exit_code": code, "category": "interrupted", "kind": null, "kmipkit_code": null, "message": message, "hint": "run the command again"}});
        eprintln!("{doc}");
    } else {
        eprintln!("error: {message}");
    }
}

/// Removes `path` if the process is interrupted before [`release_file`]; call before creating it.
pub fn guard_file(path: &Path) {
    pending().files.push(path.to_path_buf());
}

/// `path` was renamed into place or removed: nothing to undo any more.
pub fn release_file(path: &Path) {
    pending().files.retain(|p| p != path);
}

/// Stops the harness server in `dir` if the process is interrupted before [`release_server`].
pub fn guard_server(script: &Path, dir: &Path) {
    pending()
        .servers
        .push((script.to_path_buf(), dir.to_path_buf()));
}

/// The server in `dir` was stopped.
pub fn release_server(dir: &Path) {
    pending().servers.retain(|(_, d)| d != dir);
}

/// Removes `dir` (after stopping the servers) if the process is interrupted.
pub fn guard_dir(dir: &Path) {
    pending().dirs.push(dir.to_path_buf());
}
