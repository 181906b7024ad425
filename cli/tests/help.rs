//! `--help` teaches: every command that does something shows what it does and at least one
//! example of itself; no command needs a configuration or a key server to explain itself.

use std::process::Command;

#[test]
fn every_command_has_examples() {
    let commands: &[&[&str]] = &[
        &["demo"],
        &["servers", "check"],
        &["key", "create"],
        &["key", "get"],
        &["key", "locate"],
        &["key", "attributes"],
        &["key", "activate"],
        &["key", "revoke"],
        &["key", "destroy"],
        &["key", "rotate"],
        &["encrypt"],
        &["decrypt"],
        &["dek", "create"],
        &["dek", "unlock"],
        &["dek", "rewrap"],
        &["rotate"],
        &["log", "verify"],
        &["audit"],
    ];
    for command in commands {
        let output = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
            .args(*command)
            .arg("--help")
            .env("KMIPKIT_CONFIG", "/nonexistent/kmipkit.toml")
            .output()
            .unwrap();
        assert!(output.status.success(), "{command:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        let invocation = format!("kmipkit {}", command.join(" "));
        assert!(
            text.contains("Example") && text.contains(&invocation),
            "{command:?} --help shows no example of `{invocation}`:\n{text}"
        );
    }
}
