//! What an operator gets wrong or cuts short: an interrupted decryption leaves nothing behind,
//! refused options and unusable paths are reported before any key server is asked (so with no
//! server they still say what is wrong, at once), and a tampered stream to stdout ends non-zero
//! without releasing the unauthenticated frame.

mod support;

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Entry, TestServer, kmipkit, scratch, write_config};

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn interrupted_decrypt_leaves_no_partial_plaintext() {
    let server = TestServer::start(0);
    let dir = scratch("interrupt-cfg");
    // The KEK that decryption expects (a file does not choose its own key).
    let cfg = write_config(
        &dir,
        "kmipkit.toml",
        &[Entry::of("kms1", &server)],
        "[key]\nname = \"k\"\n",
    );
    let plain: Vec<u8> = (0..300_000).map(|i| (i % 251) as u8).collect();
    fs::write(dir.join("plain.bin"), &plain).unwrap();
    kmipkit(
        &cfg,
        &dir,
        &[
            "encrypt",
            "--kek",
            "k",
            "--create-kek",
            "-o",
            "c.kmk",
            "plain.bin",
        ],
        b"",
    )
    .expect(0);
    let sealed = fs::read(dir.join("c.kmk")).unwrap();

    // Half of the ciphertext, then a stdin that stays open: the command is mid-way when stopped.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(["decrypt", "-o", "out.bin"])
        .env("KMIPKIT_CONFIG", &cfg)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&sealed[..sealed.len() / 2]).unwrap();
    let started = Instant::now();
    while leftovers(&dir).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no temporary output appeared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    // Stop the process we started, by its own id.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("interrupted by SIGTERM"), "{stderr}");
    assert!(
        leftovers(&dir).is_empty(),
        "partial plaintext left behind: {:?}",
        leftovers(&dir)
    );
    assert!(!dir.join("out.bin").exists());

    // A tampered stream to stdout: non-zero, and never the plaintext of the failing frame.
    let mut tampered = sealed.clone();
    let last = tampered.len() - 20;
    tampered[last] ^= 1;
    let run = kmipkit(&cfg, &dir, &["decrypt"], &tampered).expect(6);
    assert_eq!(
        run.stdout.len() % 65_536,
        0,
        "only whole authenticated frames"
    );
    assert!(run.stdout.len() < plain.len());
    assert_eq!(run.stdout[..], plain[..run.stdout.len()]);
    assert!(run.stderr.contains("discard"), "{}", run.stderr);
    // Outputs that are not regular files. A FIFO is written in place: the atomic rename used to
    // replace it with a regular file (and `-o /dev/null`, run as root, the system's /dev/null).
    let fifo = dir.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    kmipkit(&cfg, &dir, &["decrypt", "c.kmk", "-o", "fifo"], b"").expect(0);
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&fs::symlink_metadata(&fifo).unwrap().file_type()),
        "the FIFO was replaced"
    );
    assert_eq!(reader.join().unwrap(), plain);
    // A protected DEK is a file to keep: a device is refused.
    kmipkit(
        &cfg,
        &dir,
        &["dek", "create", "--kek", "k", "--create-kek", "-o", "fifo"],
        b"",
    )
    .expect(7);
    // Through a link, the linked file gets the output and the link stays.
    fs::write(dir.join("real.out"), b"old").unwrap();
    std::os::unix::fs::symlink("real.out", dir.join("out.link")).unwrap();
    kmipkit(&cfg, &dir, &["decrypt", "c.kmk", "-o", "out.link"], b"").expect(0);
    assert!(
        fs::symlink_metadata(dir.join("out.link"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(fs::read(dir.join("real.out")).unwrap(), plain);

    // The reader went away (`| head`): exit 7, said plainly, no Rust error text.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(["decrypt", "c.kmk"])
        .env("KMIPKIT_CONFIG", &cfg)
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("output pipe was closed") && !stderr.contains("os error"),
        "{stderr}"
    );

    // Empty stdin is not a ciphertext.
    kmipkit(&cfg, &dir, &["decrypt"], b"").expect(6);

    // Rotating through a symbolic link rewrites the file it points to and keeps the link.
    kmipkit(&cfg, &dir, &["key", "rotate", "--kek", "k"], b"").expect(0);
    std::os::unix::fs::symlink("c.kmk", dir.join("link.kmk")).unwrap();
    let doc = kmipkit(&cfg, &dir, &["rotate", "link.kmk", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(doc["rewrapped"], 1);
    assert!(
        fs::symlink_metadata(dir.join("link.kmk"))
            .unwrap()
            .is_symlink()
    );
    let doc = kmipkit(&cfg, &dir, &["rotate", "c.kmk", "--dry-run", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(doc["already_current"], 1, "{doc}");
    let out = kmipkit(&cfg, &dir, &["decrypt", "link.kmk"], b"").expect(0);
    assert_eq!(out.stdout, plain);
    drop(server);
}

#[test]
fn refusals_come_before_any_key_server_is_asked() {
    let dir = scratch("early");
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // No certificate exists either: these refusals come before the configuration's files are read.
    let down = Entry {
        name: "kms-down",
        port: closed,
        ca: "/nonexistent/ca.crt".into(),
        cert: "/nonexistent/client.crt".into(),
        key: "/nonexistent/client.key".into(),
    };
    let cfg = write_config(&dir, "kmipkit.toml", &[down], "");
    fs::write(dir.join("plain.bin"), b"data").unwrap();
    fs::create_dir(dir.join("out")).unwrap();
    // Asking the server would end in exit 3 (no certificates) or 4 (nothing listens), after
    // the failover deadline: the exit codes below show nothing was asked.
    let k = |args: &[&str]| kmipkit(&cfg, &dir, args, b"");
    for args in [
        &["key", "destroy", "x"][..],
        &["key", "create", "x", "--bits", "100"],
        &["key", "revoke", "x", "--reason", "bored"],
        &["key", "locate", "--state", "Sleeping"],
        &["key", "locate", "--type", "Banana"],
    ] {
        let run = k(args).expect(2);
        assert!(run.stderr.contains("hint:"), "{args:?}: {}", run.stderr);
    }
    // Key bytes for a terminal: refused before the key is even fetched (util-linux `script`
    // gives the command a terminal as stdout).
    let tty = Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "{} --config {} key get x --reveal -",
            env!("CARGO_BIN_EXE_kmipkit"),
            cfg.display()
        ))
        .arg("/dev/null")
        .stdin(Stdio::null())
        .output();
    match tty {
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(2), "{text}");
            assert!(text.contains("--reveal FILE"), "{text}");
        }
        Err(e) => eprintln!("no `script` to fake a terminal ({e}): terminal check skipped"),
    }
    // Nobody types a ciphertext: decrypt with a terminal as stdin says what was forgotten.
    if let Ok(output) = Command::new("script")
        .arg("-qec")
        .arg(format!(
            "{} --config {} decrypt",
            env!("CARGO_BIN_EXE_kmipkit"),
            cfg.display()
        ))
        .arg("/dev/null")
        .stdin(Stdio::null())
        .output()
    {
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(text.contains("standard input is a terminal"), "{text}");
    }
    let run = k(&["encrypt", "--kek", "k", "-o", "out", "plain.bin"]).expect(7);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    let run = k(&["encrypt", "--kek", "k", "-o", "x.kmk", "out"]).expect(7);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    // A header claiming 64 KiB (the cap is 4 KiB): not a ciphertext, no advice to raise limits.
    let mut huge = b"KMKE\x01\x00\x01\xff\xff".to_vec();
    huge.resize(200, 0);
    fs::write(dir.join("huge.kmk"), &huge).unwrap();
    let run = k(&["decrypt", "huge.kmk"]).expect(6);
    assert!(
        run.stderr.contains("not a readable kmipkit ciphertext") && !run.stderr.contains("Limits"),
        "{}",
        run.stderr
    );
    let run = k(&["decrypt", "-o", "out/", "plain.bin"]).expect(6);
    assert!(
        run.stderr.contains("not a kmipkit ciphertext"),
        "{}",
        run.stderr
    );
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
}
