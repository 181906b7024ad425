//! Log, state and audit files never follow a symbolic link another user planted, and a log or
//! audit directory other users can write is refused with the `chmod` that fixes it (issue 18,
//! item 2). Each attack leaves the victim file byte for byte as it was.
#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::time::Duration;

use kmipkit::observe::audit::AuditWriter;
use kmipkit::observe::{
    ChainState, Destination, Event, Format, Level, LogSettings, Logger, Outcome, Rotation,
};

const VICTIM: &str = "precious: nobody may change this file\n";

/// A fresh private directory. Tests remove theirs at the end without checking: the logger's
/// background thread may still be saving its chain state just after `drop(logger)`, and a
/// cleanup that loses that race is not what these tests are about.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kmipkit-links-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

/// A file the application can write (mode 0600, its own), outside the log directory.
fn victim(dir: &Path) -> PathBuf {
    let path = dir.join("victim.txt");
    std::fs::write(&path, VICTIM).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn file_log(path: &Path, rotation: Rotation) -> LogSettings {
    LogSettings {
        destination: Some(Destination::File {
            path: path.to_path_buf(),
            rotation,
        }),
        format: Format::Json,
        level: Level::Basic,
        ..LogSettings::default()
    }
}

fn event() -> Event {
    Event::operation("Get", kmipkit::observe::now_ms()).finished(Outcome::Success, None, 1)
}

fn log_error_text(result: Result<impl std::fmt::Debug, kmipkit::Error>) -> String {
    result.unwrap_err().to_string()
}

#[test]
fn a_link_planted_as_the_state_temporary_file_is_never_written_through() {
    let outside = temp_dir("state-victim");
    let victim = victim(&outside);
    let dir = temp_dir("state");
    let log = dir.join("kmipkit.log");
    symlink(&victim, dir.join("kmipkit.log.state.tmp")).unwrap();

    let logger = Logger::start(&file_log(&log, Rotation::External), None).unwrap();
    logger.emit(event());
    assert!(logger.flush(Duration::from_secs(10)));
    drop(logger);

    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);
    let state = ChainState::path_for(&log);
    assert!(std::fs::symlink_metadata(&state).unwrap().is_file());
    assert_eq!(ChainState::load(&state).unwrap().unwrap().last_serial, 2);
    // The same through the state's own API.
    ChainState::default().save(&state).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn a_log_path_that_is_a_link_is_refused() {
    let outside = temp_dir("log-victim");
    let victim = victim(&outside);
    let dir = temp_dir("log");
    let log = dir.join("kmipkit.log");
    symlink(&victim, &log).unwrap();

    let message = log_error_text(Logger::start(&file_log(&log, Rotation::External), None));
    assert!(message.contains("is a symbolic link"), "{message}");
    assert!(message.contains(&log.display().to_string()), "{message}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn a_link_planted_after_logrotate_moved_the_log_is_not_followed() {
    let outside = temp_dir("rotate-victim");
    let victim = victim(&outside);
    let dir = temp_dir("rotate");
    let log = dir.join("kmipkit.log");
    let logger = Logger::start(&file_log(&log, Rotation::External), None).unwrap();
    logger.emit(event());
    assert!(logger.flush(Duration::from_secs(10)));

    std::fs::rename(&log, dir.join("kmipkit.log.1")).unwrap();
    symlink(&victim, &log).unwrap();
    logger.emit(event());
    assert!(logger.flush(Duration::from_secs(10)));
    drop(logger);

    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn an_audit_path_that_is_a_link_is_refused() {
    let outside = temp_dir("audit-victim");
    let victim = victim(&outside);
    let dir = temp_dir("audit");
    let audit = dir.join("audit.csv");
    symlink(&victim, &audit).unwrap();

    let message = log_error_text(AuditWriter::open(&audit));
    assert!(message.contains("is a symbolic link"), "{message}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn a_log_directory_other_users_can_write_is_refused_with_the_chmod() {
    for mode in [0o777, 0o770, 0o703] {
        let dir = temp_dir("open-dir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        let log = dir.join("kmipkit.log");
        let message = log_error_text(Logger::start(&file_log(&log, Rotation::External), None));
        let fix = format!("run: chmod go-w {}", dir.display());
        assert!(message.contains(&fix), "{mode:o}: {message}");
        assert!(
            message.contains("writable by other users"),
            "{mode:o}: {message}"
        );
        assert!(!log.exists(), "{mode:o}: nothing is written there");

        let audit = dir.join("audit.csv");
        let message = log_error_text(AuditWriter::open(&audit));
        assert!(message.contains(&fix), "{mode:o}: {message}");
        assert!(!audit.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_sticky_directory_of_root_or_this_user_is_accepted() {
    // Like /tmp: other users may add names but not rename or remove this user's files, and the
    // names they plant are never followed (the tests above).
    let dir = temp_dir("sticky-dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let log = dir.join("kmipkit.log");
    let logger = Logger::start(&file_log(&log, Rotation::External), None).unwrap();
    logger.emit(event());
    assert!(logger.flush(Duration::from_secs(10)));
    drop(logger);
    assert!(AuditWriter::open(&dir.join("audit.csv")).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_log_file_other_users_can_write_is_refused_with_the_chmod() {
    let dir = temp_dir("open-file");
    let log = dir.join("kmipkit.log");
    std::fs::write(&log, "").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o622)).unwrap();
    let message = log_error_text(Logger::start(&file_log(&log, Rotation::External), None));
    assert!(
        message.contains(&format!("run: chmod 600 {}", log.display())),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
