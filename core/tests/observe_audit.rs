//! The CSV audit trail: RFC 4180 quoting, the formula-injection guard, mode 0600.

use kmipkit::observe::audit::{self, AuditWriter, COLUMNS, csv_line};
use kmipkit::observe::{Event, Level, Outcome};

fn event() -> Event {
    let mut event = Event::operation("Register", 1_700_000_000_123)
        .server("dc1", Some("10.0.0.5".parse().unwrap()), 5696)
        .key("pay,roll \"kek\"\r\nnext", "=HYPERLINK(\"http://x\")")
        .user("@admin")
        .finished(Outcome::Failure, Some("PermissionDenied".into()), 9)
        .detail(Level::Verbose, "version", "2.0");
    event.request_id = Some("-2+3".into());
    event
}

#[test]
fn golden_row() {
    assert_eq!(
        csv_line(&audit::row(&event())),
        "2023-11-14,22:13:20.123,Register,dc1,10.0.0.5,5696,\"pay,roll \"\"kek\"\"\r\nnext\",\"'=HYPERLINK(\"\"http://x\"\")\",'@admin,failure,PermissionDenied,9,'-2+3,version=2.0\r\n"
    );
    assert_eq!(
        csv_line(&COLUMNS),
        "date,time,operation,server,ip_addr,port,key_name,key_uid,user,outcome,reason,duration_ms,request_id,details\r\n"
    );
    for lead in ["=", "+", "-", "@", "\t", "\r"] {
        let line = csv_line(&[format!("{lead}1")]);
        assert!(
            line.starts_with("'") || line.starts_with("\"'"),
            "{lead:?}: {line:?}"
        );
    }
}

#[test]
fn file_is_private_and_reads_back() {
    let dir = std::env::temp_dir().join(format!("kmipkit-observe-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.csv");
    let mut writer = AuditWriter::open(&path).unwrap();
    writer.write(&event()).unwrap();
    writer.write(&Event::operation("Get", 0)).unwrap();
    drop(writer);
    // Reopening appends without a second header.
    AuditWriter::open(&path)
        .unwrap()
        .write(&Event::operation("Destroy", 0))
        .unwrap();
    let rows = audit::read(&path).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].get("key_name"), Some("pay,roll \"kek\"\r\nnext"));
    assert_eq!(rows[0].get("user"), Some("'@admin"));
    assert_eq!(rows[2].get("operation"), Some("Destroy"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = AuditWriter::open(&path).unwrap_err();
        assert_eq!(err.kind(), kmipkit::ErrorKind::Log);
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
