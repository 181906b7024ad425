//! The later steps of `kmipkit demo`: Model 1 with a stored protected DEK and a file encrypted
//! in streaming, and failover to the second server when the first is stopped.

use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use kmipkit::client::Client;
use kmipkit::envelope::model1::{Model1, ProtectedDek};

use serde_json::{Value, json};

use crate::harness::LocalServer;

/// With `--json` the demo collects its steps and prints them as one document at the end.
static JSON: Mutex<Option<Vec<Value>>> = Mutex::new(None);

fn json_steps() -> std::sync::MutexGuard<'static, Option<Vec<Value>>> {
    JSON.lock().unwrap_or_else(|p| p.into_inner())
}

/// Switches the demo to JSON output.
pub fn collect_json() {
    *json_steps() = Some(Vec::new());
}

/// The collected steps, if the demo runs with `--json`.
pub fn take_json() -> Option<Vec<Value>> {
    json_steps().take()
}

/// Prints a line; a closed stdout (`kmipkit demo | head`) must not abort the demo before it
/// stops its servers and removes its files.
pub fn print_line(text: &str) {
    use std::io::Write;
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = writeln!(std::io::stdout(), "{text}");
    }
}

/// `--quiet`: the steps are not printed (errors still are, by `main`).
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Switches the step lines off.
pub fn be_quiet() {
    QUIET.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Starts a step.
pub fn step(title: &str) {
    match json_steps().as_mut() {
        Some(steps) => steps.push(json!({"step": title, "lines": []})),
        None => print_line(&format!("\n== {title}")),
    }
}

/// One line of the current step.
pub fn say(line: &str) {
    match json_steps().as_mut() {
        Some(steps) => {
            if let Some(Value::Array(lines)) = steps.last_mut().map(|s| &mut s["lines"]) {
                lines.push(json!(line));
            }
        }
        None => print_line(&format!("   {line}")),
    }
}

/// Model 1 for a data store: make a DEK, store its protected form in a file, encrypt a file in
/// streaming with it; later unlock the stored DEK and encrypt with it again, and decrypt the file.
pub async fn model1_file(client: Arc<Client>, dir: &Path) -> Result<(), String> {
    let e = |e: kmipkit::Error| e.to_string();
    step("Model 1 for a data store: store the protected data key, encrypt a file with it");
    let model = Model1::new(client, "demo-store-kek", 1).map_err(e)?;
    let kek = model.ensure_kek().await.map_err(e)?;
    let (dek, protected) = model.create_dek().await.map_err(e)?;
    let dek_file = dir.join("orders.dek");
    fs::write(&dek_file, protected.to_bytes().map_err(e)?).map_err(|x| x.to_string())?;
    say(&format!(
        "created a data key, protected it under KEK {} v{} (key {}) and stored it in {} (no plain key in it)",
        kek.name,
        kek.version,
        kek.uid,
        dek_file.file_name().unwrap_or_default().to_string_lossy()
    ));

    let plain_file = dir.join("orders.csv");
    let mut text = String::from("order,customer,amount\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "{i},C-{},{}.{:02}\n",
            i % 97,
            i * 7 % 1000,
            i % 100
        ));
    }
    fs::write(&plain_file, &text).map_err(|x| x.to_string())?;
    let sealed_file = dir.join("orders.csv.kmk");
    let key = model
        .sealing_key_with(Arc::new(dek), &protected)
        .map_err(e)?;
    let output = fs::File::create(&sealed_file).map_err(|x| x.to_string())?;
    let input = fs::File::open(&plain_file).map_err(|x| x.to_string())?;
    key.encrypt_stream(input, output, b"store=orders")
        .map_err(|x| x.to_string())?;
    drop(key);
    say(&format!(
        "encrypted orders.csv ({} bytes) into orders.csv.kmk ({} bytes) in 64 KiB frames, in constant memory; the data key is erased",
        text.len(),
        fs::metadata(&sealed_file).map_err(|x| x.to_string())?.len()
    ));

    let stored =
        ProtectedDek::from_bytes(&fs::read(&dek_file).map_err(|x| x.to_string())?).map_err(e)?;
    let again = model.unlock_sealing_key(&stored).await.map_err(e)?;
    let mut more = Vec::new();
    again
        .encrypt_stream(&b"order,customer,amount\n"[..], &mut more, b"store=orders")
        .map_err(|x| x.to_string())?;
    drop(again);
    let input = fs::File::open(&sealed_file).map_err(|x| x.to_string())?;
    let mut recovered = Vec::new();
    model
        .decrypt_stream(input, &mut recovered, b"store=orders")
        .await
        .map_err(|x| x.to_string())?;
    if recovered != text.as_bytes() {
        return Err("the decrypted file differs from the original".into());
    }
    say(
        "read the stored protected key back and had the key manager unlock it to encrypt more; decrypted the file (its header carries the same protected key): identical",
    );
    say(
        "(the same with the command: kmipkit dek create / kmipkit encrypt --dek / kmipkit decrypt)",
    );
    Ok(())
}

/// Stops the primary and shows the next request answered by the secondary.
pub async fn failover(client: &Client, primary: LocalServer) -> Result<(), String> {
    let e = |e: kmipkit::Error| e.to_string();
    step("Failover: stopping the primary key server while the application keeps working");
    let names = client.server_names();
    say(&format!(
        "the configuration lists {} servers, tried in order: {}",
        names.len(),
        names.join(", ")
    ));
    let pid = primary.pid();
    primary.stop()?;
    say(&format!("stopped {} (pid {pid})", names[0]));
    let versions = client.discover_versions(Vec::new()).await.map_err(e)?;
    let id = client
        .create_aes_key(&format!("demo-after-failover-{pid}"), 256)
        .await
        .map_err(e)?;
    let stats = client.cluster().stats();
    let answered: Vec<String> = stats
        .iter()
        .map(|s| {
            format!(
                "{}: {}{} connection(s) opened",
                s.server,
                if s.down { "down, " } else { "" },
                s.connections_opened
            )
        })
        .collect();
    if !stats.iter().skip(1).any(|s| s.connections_opened > 0) {
        return Err("no request reached the secondary server".into());
    }
    say(&format!(
        "the next requests went to {}: it speaks KMIP {} and created key {id}",
        names.get(1).map_or("the secondary", String::as_str),
        versions
            .first()
            .map_or_else(String::new, ToString::to_string)
    ));
    say(&format!("per server: {}", answered.join("; ")));
    say("(these two test servers keep separate databases; a real cluster replicates its keys)");
    Ok(())
}

/// Verifies the demo's tamper-evident log, then shows that deleting one line is detected.
pub fn verify_log(client: &Client, dir: &Path) -> Result<(), String> {
    use kmipkit::observe::verify::{FindingKind, VerifyOptions, verify_files};
    step("Verifying the tamper-evident log and the audit trail");
    if !client.logger().flush(std::time::Duration::from_secs(5)) {
        return Err("the logger did not write its queue within 5 s".into());
    }
    let log = dir.join("log").join("kmipkit.log");
    let report = verify_files(std::slice::from_ref(&log), &VerifyOptions::default())
        .map_err(|e| e.to_string())?;
    if !report.is_intact() {
        return Err(format!("the demo's own log does not verify:\n{report}"));
    }
    say(&format!(
        "log/kmipkit.log: {} lines, serials {}-{}, each hash chained over the previous one: chain intact",
        report.lines,
        report.first_serial.unwrap_or_default(),
        report.last_serial.unwrap_or_default()
    ));
    let text = fs::read_to_string(&log).map_err(|e| e.to_string())?;
    let lines: Vec<&str> = text.lines().collect();
    let tampered = dir.join("log").join("tampered.log");
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, l)| *l)
        .collect();
    fs::write(&tampered, kept.join("\n") + "\n").map_err(|e| e.to_string())?;
    let options = VerifyOptions {
        state: kmipkit::observe::verify::StateSource::Ignore,
    };
    let broken = verify_files(&[tampered], &options).map_err(|e| e.to_string())?;
    match broken.of_kind(FindingKind::Deleted).next() {
        Some(finding) => say(&format!("a copy with line 5 deleted is caught: {finding}")),
        None => return Err(format!("deleting a line was not detected:\n{broken}")),
    }
    let rows = kmipkit::observe::audit::read(&dir.join("log").join("audit.csv"))
        .map_err(|e| e.to_string())?;
    let failures = rows
        .iter()
        .filter(|r| r.get("outcome") == Some("failure"))
        .count();
    say(&format!(
        "log/audit.csv: {} rows (operation, server, key, user, outcome; never key material), {failures} of them failures",
        rows.len()
    ));
    say("(the same with the command: kmipkit log verify FILE... and kmipkit audit --op Create)");
    Ok(())
}
