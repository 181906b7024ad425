//! `kmipkit encrypt|decrypt`, `dek …` and `rotate --bulk` against a real PyKMIP server, with the
//! failure paths: wrong context, wrong identifier, tampered and truncated files, no output left
//! behind by a failure, and no progress bar when stderr is piped.

mod support;

use std::fs;

use kmipkit::envelope::format::{KeyRef, Params};

use support::{Entry, TestServer, kmipkit, scratch, write_config};

fn data(len: usize) -> Vec<u8> {
    // Not all zeros, not random: reproducible and compressible-looking enough.
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn encrypt_decrypt_dek_and_rotate() {
    let server = TestServer::start(0);
    let dir = scratch("crypt-cfg");
    let cfg = write_config(
        &dir,
        "kmipkit.toml",
        &[Entry::of("kms1", &server)],
        "[key]\nname = \"app-kek\"\n",
    );
    let k = |args: &[&str], stdin: &[u8]| kmipkit(&cfg, &dir, args, stdin);
    // Model 1 decryptions with the context the file was encrypted under.
    let m1 = |args: &[&str]| {
        k(
            &[args, &["-C", "table=orders", "-C", "env=prod"]].concat(),
            b"",
        )
    };
    let plain = data(200_000);
    fs::write(dir.join("plain.bin"), &plain).unwrap();

    // A KEK that does not exist is an error, not a new key (a misspelt name would make one).
    let run = k(&["encrypt", "plain.bin", "-o", "m1.kmk"], b"").expect(5);
    assert!(
        run.stderr.contains("no KEK named") && run.stderr.contains("--create-kek"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.join("m1.kmk").exists(),
        "no output for a refused encryption"
    );

    // Model 1 from the [key] of the configuration, file to file, creating the KEK.
    let doc = k(
        &[
            "encrypt",
            "--create-kek",
            "plain.bin",
            "-o",
            "m1.kmk",
            "-C",
            "table=orders",
            "-C",
            "env=prod",
            "--json",
        ],
        b"",
    )
    .expect(0)
    .json();
    assert_eq!(doc["model"], 1);
    assert_eq!(doc["key"]["name"], "app-kek");
    assert_eq!(doc["plaintext_bytes"], 200_000);
    let sealed = fs::read(dir.join("m1.kmk")).unwrap();
    assert!(sealed.starts_with(b"KMKE"));
    // Context order does not matter; the decrypted file is identical.
    k(
        &[
            "decrypt",
            "m1.kmk",
            "-o",
            "m1.out",
            "-C",
            "env=prod",
            "-C",
            "table=orders",
        ],
        b"",
    )
    .expect(0);
    assert_eq!(fs::read(dir.join("m1.out")).unwrap(), plain);

    // stdin to stdout, no terminal: no progress bar, data untouched.
    let run = k(
        &["encrypt", "--kek", "pipe-kek", "--create-kek", "-C", "a=b"],
        &plain,
    )
    .expect(0);
    assert!(
        !run.stderr.contains('\r'),
        "no progress bar when piped: {:?}",
        run.stderr
    );
    let back = k(&["decrypt", "--kek", "pipe-kek", "-C", "a=b"], &run.stdout).expect(0);
    assert_eq!(back.stdout, plain);
    // --json with data on stdout: the document goes to stderr.
    let run = k(&["encrypt", "--kek", "pipe-kek", "--json"], b"x").expect(0);
    let doc: serde_json::Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(doc["key"]["name"], "pipe-kek");
    assert!(run.stdout.starts_with(b"KMKE"));

    // Wrong context: exit 6, and no output file left behind.
    let run = k(
        &[
            "decrypt",
            "m1.kmk",
            "-o",
            "wrong.out",
            "-C",
            "table=other",
            "-C",
            "env=prod",
        ],
        b"",
    )
    .expect(6);
    assert!(run.stderr.contains("context"), "{}", run.stderr);
    assert!(!dir.join("wrong.out").exists());
    assert_eq!(
        k(&["decrypt", "m1.kmk", "--json"], b"")
            .expect(6)
            .error_json()["error"]["kind"],
        "Integrity"
    );

    // Tampered body (last frame) and truncated file: exit 6, no output file, no temp file.
    let mut tampered = sealed.clone();
    let last = tampered.len() - 5;
    tampered[last] ^= 1;
    fs::write(dir.join("tampered.kmk"), &tampered).unwrap();
    m1(&["decrypt", "tampered.kmk", "-o", "t.out"]).expect(6);
    fs::write(dir.join("short.kmk"), &sealed[..sealed.len() - 1000]).unwrap();
    m1(&["decrypt", "short.kmk", "-o", "t.out"]).expect(6);
    fs::write(dir.join("stub.kmk"), &sealed[..20]).unwrap();
    k(&["decrypt", "stub.kmk", "-o", "t.out"], b"").expect(6);
    k(&["decrypt", "plain.bin", "-o", "t.out"], b"").expect(6);
    assert!(!dir.join("t.out").exists());
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Wrong key: the header carries another file's protected data key (same KEK): the key
    // manager unlocks it, but it is not the key of this ciphertext.
    k(
        &[
            "encrypt",
            "-o",
            "other.kmk",
            "-C",
            "table=orders",
            "-C",
            "env=prod",
        ],
        b"other",
    )
    .expect(0);
    let other = fs::read(dir.join("other.kmk")).unwrap();
    let (other_header, _) = kmipkit::envelope::format::Header::parse(&other).unwrap();
    let swapped = kmipkit::envelope::format::rewrap(&sealed, &other_header.wrapped_dek).unwrap();
    fs::write(dir.join("swapped.kmk"), swapped).unwrap();
    let run = m1(&["decrypt", "swapped.kmk", "-o", "t.out"]).expect(6);
    assert!(run.stderr.contains("wrong key"), "{}", run.stderr);
    // Missing input: exit 7.
    k(&["encrypt", "missing.bin", "-o", "x.kmk"], b"").expect(7);

    // Model 2: a key per identifier; another identifier cannot open it.
    let run = k(
        &[
            "encrypt",
            "--for",
            "42",
            "--prefix",
            "customer:",
            "-C",
            "field=email",
            "-o",
            "c42.kmk",
        ],
        b"a@example.com",
    )
    .expect(0);
    assert!(run.text().contains("customer:42"), "{}", run.text());
    let out = k(
        &[
            "decrypt",
            "c42.kmk",
            "--for",
            "42",
            "--prefix",
            "customer:",
            "-C",
            "field=email",
        ],
        b"",
    )
    .expect(0);
    assert_eq!(out.stdout, b"a@example.com");
    let run = k(
        &[
            "decrypt",
            "c42.kmk",
            "--for",
            "43",
            "--prefix",
            "customer:",
            "-C",
            "field=email",
        ],
        b"",
    )
    .expect(6);
    assert!(run.stdout.is_empty());
    // --for on a Model 1 ciphertext: it belongs to no identifier, so it is refused.
    let run = m1(&["decrypt", "m1.kmk", "--for", "42"]).expect(6);
    assert!(
        run.stdout.is_empty() && run.stderr.contains("Model 1"),
        "{}",
        run.stderr
    );
    // Usage: no key and no [key] in another config; conflicting options.
    k(&["encrypt", "--for", "1", "--kek", "x"], b"").expect(2);

    // dek create / unlock / encrypt with it / rewrap.
    k(
        &[
            "dek",
            "create",
            "--kek",
            "files-kek",
            "--create-kek",
            "-o",
            "files.dek",
        ],
        b"",
    )
    .expect(0);
    let files = |args: &[&str]| k(&[args, &["--kek", "files-kek"]].concat(), b"");
    let unlocked = files(&["dek", "unlock", "files.dek", "--json"])
        .expect(0)
        .json();
    assert_eq!(unlocked["kek"]["version"], 1);
    assert!(
        !unlocked.to_string().contains("\"dek\""),
        "no key bytes in JSON"
    );
    let revealed = files(&["dek", "unlock", "files.dek", "--reveal", "-"]).expect(0);
    assert_eq!(revealed.stdout.len(), 32);
    files(&["encrypt", "--dek", "files.dek", "-o", "d1.kmk", "plain.bin"]).expect(0);
    k(
        &[
            "encrypt",
            "--dek",
            "files.dek",
            "--kek",
            "files-kek",
            "-o",
            "d2.kmk",
        ],
        b"second",
    )
    .expect(0);
    let mut bad = fs::read(dir.join("files.dek")).unwrap();
    let n = bad.len() - 3;
    bad[n] ^= 0x40;
    fs::write(dir.join("bad.dek"), &bad).unwrap();
    files(&["dek", "unlock", "bad.dek"]).expect(6);
    k(&["dek", "unlock", "plain.bin"], b"").expect(6);
    k(&["key", "rotate", "--kek", "files-kek"], b"").expect(0);
    let rewrapped = k(
        &["dek", "rewrap", "files.dek", "-o", "files-v2.dek", "--json"],
        b"",
    )
    .expect(0)
    .json();
    assert_eq!(rewrapped["kek"]["version"], 2);
    assert_eq!(
        files(&["dek", "unlock", "files-v2.dek", "--json"])
            .expect(0)
            .json()["kek"]["version"],
        2
    );

    // Bulk rotation: a directory with Model 1 and Model 2 files and a stranger.
    let bulk = dir.join("bulk");
    fs::create_dir_all(bulk.join("sub")).unwrap();
    fs::copy(dir.join("d1.kmk"), bulk.join("d1.kmk")).unwrap();
    fs::copy(dir.join("d2.kmk"), bulk.join("sub/d2.kmk")).unwrap();
    k(
        &[
            "encrypt",
            "--for",
            "7",
            "-C",
            "t=x",
            "-o",
            "bulk/c7.kmk",
            "plain.bin",
        ],
        b"",
    )
    .expect(0);
    fs::write(bulk.join("README"), b"not a ciphertext").unwrap();
    let body_before = fs::read(bulk.join("d1.kmk")).unwrap();
    k(&["key", "rotate", "7"], b"").expect(0);

    // Temporary files: one of a killed run (no such process), one of a live process (this test).
    let dead = bulk.join("sub/.d2.kmk.kmipkit-999999999-1.tmp");
    let live = bulk.join(format!(".c7.kmk.kmipkit-{}-1.tmp", std::process::id()));
    fs::write(&dead, b"half").unwrap();
    fs::write(&live, b"busy").unwrap();
    let dry = k(
        &[
            "rotate",
            "--bulk",
            "bulk",
            "--dry-run",
            "-C",
            "t=x",
            "--json",
        ],
        b"",
    )
    .expect(0)
    .json();
    assert_eq!(
        (dry["rewrapped"].clone(), dry["reencrypted"].clone()),
        (2.into(), 1.into())
    );
    k(&["rotate", "bulk"], b"").expect(2); // a directory needs --bulk
    let report = k(&["rotate", "--bulk", "bulk", "-C", "t=x", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(report["rewrapped"], 2);
    assert_eq!(report["reencrypted"], 1);
    assert_eq!(report["skipped"].as_array().unwrap().len(), 1);
    // The summary tells which files still depend on an old version.
    let outdated = |doc: &serde_json::Value| -> Vec<String> {
        doc["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["outdated"] == true)
            .map(|d| format!("{} v{} < v{}", d["key"], d["version"], d["newest_version"]))
            .collect()
    };
    assert!(
        outdated(&dry).contains(&"\"files-kek\" v1 < v2".to_string()),
        "{:?}",
        outdated(&dry)
    );
    assert!(outdated(&report).is_empty(), "{:?}", outdated(&report));
    let named = "bulk/sub/.d2.kmk.kmipkit-999999999-1.tmp";
    assert_eq!(dry["removed_leftovers"][0], named, "--dry-run finds it");
    assert_eq!(report["removed_leftovers"][0], named);
    assert!(!dead.exists(), "a killed run's temporary file is removed");
    assert!(
        live.exists(),
        "a running process's temporary file is left alone"
    );
    let deps = report["dependencies"].to_string();
    assert!(
        deps.contains("\"files-kek\"") && deps.contains("\"version\":2"),
        "{deps}"
    );
    assert!(
        !deps.contains("\"version\":1"),
        "nothing depends on a version 1 any more: {deps}"
    );
    // Model 1 re-wrap changes the header only: the body bytes are the same.
    let body_after = fs::read(bulk.join("d1.kmk")).unwrap();
    assert_eq!(
        body_before[body_before.len() - 100_000..],
        body_after[body_after.len() - 100_000..]
    );
    // Everything still decrypts; a re-run finds nothing to do (resumable).
    assert_eq!(files(&["decrypt", "bulk/d1.kmk"]).expect(0).stdout, plain);
    assert_eq!(
        files(&["decrypt", "bulk/sub/d2.kmk"]).expect(0).stdout,
        b"second"
    );
    assert_eq!(
        k(&["decrypt", "bulk/c7.kmk", "--for", "7", "-C", "t=x"], b"")
            .expect(0)
            .stdout,
        plain
    );
    let again = k(&["rotate", "--bulk", "bulk", "-C", "t=x", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(again["already_current"], 3);
    let text = k(&["rotate", "--bulk", "--list", "list.txt"], b"").code;
    assert_eq!(text, 7, "a missing list file is a local file error");
    fs::write(
        dir.join("list.txt"),
        "bulk/d1.kmk\n# comment\nbulk/sub/d2.kmk\n",
    )
    .unwrap();
    let listed = k(&["rotate", "--bulk", "--list", "list.txt", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(listed["files"], 2);

    // Wrong context for a Model 2 re-encryption: the file fails, stays as it was, exit 6.
    k(
        &["encrypt", "--for", "8", "-C", "t=x", "-o", "bulk/c8.kmk"],
        b"eight",
    )
    .expect(0);
    k(&["key", "rotate", "8"], b"").expect(0);
    let before = fs::read(bulk.join("c8.kmk")).unwrap();
    k(&["rotate", "--bulk", "bulk", "-C", "t=wrong"], b"").expect(6);
    assert_eq!(fs::read(bulk.join("c8.kmk")).unwrap(), before);

    // A file naming a key the key manager does not have fails; rotate never creates that key.
    let params = Params::new(KeyRef {
        name: "ghost-key".into(),
        version: 1,
        uid: "no-such-uid".into(),
    });
    let ghost = kmipkit::envelope::format::seal(&[7; 32], &params, b"", b"boo").unwrap();
    fs::write(dir.join("ghost.kmk"), ghost).unwrap();
    for dry_run in [true, false] {
        let args = ["rotate", "ghost.kmk", "--dry-run"];
        let run = k(&args[..if dry_run { 3 } else { 2 }], b"").expect(5);
        assert!(run.stderr.contains("no key named"), "{}", run.stderr);
    }
    let found = k(&["key", "locate", "--name", "ghost-key", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(found["keys"], serde_json::json!([]), "no key was created");
    drop(server);
}

/// Issue 18 item 5: after `key rotate --kek`, new data keys go under the new KEK version when no
/// version is given (`encrypt` from the configuration, `encrypt --kek`, `dek create --kek`);
/// before the fix all three used version 1. A configured `[key] version` is still honoured.
#[test]
fn encryption_after_a_kek_rotation_uses_the_new_version() {
    let server = TestServer::start(0);
    let dir = scratch("newest-cfg");
    let entry = [Entry::of("kms1", &server)];
    let cfg = write_config(&dir, "kmipkit.toml", &entry, "[key]\nname = \"app-kek\"\n");
    let k = |args: &[&str], stdin: &[u8]| kmipkit(&cfg, &dir, args, stdin);
    let version = |doc: serde_json::Value, field: &str| doc[field]["version"].clone();

    let doc = k(
        &[
            "encrypt",
            "--create-kek",
            "-C",
            "x=1",
            "-o",
            "v1.kmk",
            "--json",
        ],
        b"one",
    )
    .expect(0)
    .json();
    assert_eq!(version(doc, "key"), 1);
    k(&["key", "rotate", "--kek", "app-kek"], b"").expect(0);

    let doc = k(&["encrypt", "-C", "x=1", "-o", "v2.kmk", "--json"], b"two")
        .expect(0)
        .json();
    assert_eq!(
        version(doc, "key"),
        2,
        "encrypt from [key] after a rotation"
    );
    let doc = k(
        &["encrypt", "--kek", "app-kek", "-o", "v2b.kmk", "--json"],
        b"two",
    )
    .expect(0)
    .json();
    assert_eq!(version(doc, "key"), 2, "encrypt --kek after a rotation");
    let doc = k(
        &["dek", "create", "--kek", "app-kek", "-o", "s.dek", "--json"],
        b"",
    )
    .expect(0)
    .json();
    assert_eq!(version(doc, "kek"), 2, "dek create --kek after a rotation");
    // Both versions decrypt.
    assert_eq!(
        k(&["decrypt", "v1.kmk", "-C", "x=1"], b"").expect(0).stdout,
        b"one"
    );
    assert_eq!(
        k(&["decrypt", "v2.kmk", "-C", "x=1"], b"").expect(0).stdout,
        b"two"
    );
    // A second rotation goes on from the highest version.
    let doc = k(&["key", "rotate", "--kek", "app-kek", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(
        (doc["version"].clone(), doc["previous_version"].clone()),
        (3.into(), 2.into())
    );

    // An explicit version wins: the flag, or [key] version in the configuration.
    let doc = k(
        &[
            "encrypt",
            "--kek",
            "app-kek",
            "--kek-version",
            "1",
            "--json",
            "-o",
            "f.kmk",
        ],
        b"",
    )
    .expect(0)
    .json();
    assert_eq!(version(doc, "key"), 1);
    let pinned = write_config(
        &dir,
        "pinned.toml",
        &entry,
        "[key]\nname = \"app-kek\"\nversion = 2\n",
    );
    let doc = kmipkit(&pinned, &dir, &["encrypt", "-o", "p.kmk", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(version(doc, "key"), 2);
    drop(server);
}

/// Issue 18 items 4 and 6: decryption takes the expected key from the caller (`--kek`, `[key]
/// name`, `--for`), never from the file; before the fix a file under another KEK decrypted
/// (exit 0) and a Model 2 file needed no identifier. And `dek create` does not overwrite a
/// protected-DEK file without `--force` (before, it silently replaced it).
#[test]
fn decryption_refuses_a_file_under_another_key() {
    let server = TestServer::start(0);
    let dir = scratch("expected-cfg");
    let entry = [Entry::of("kms1", &server)];
    let cfg = write_config(&dir, "kmipkit.toml", &entry, "[key]\nname = \"kek-a\"\n");
    let k = |args: &[&str], stdin: &[u8]| kmipkit(&cfg, &dir, args, stdin);
    k(&["encrypt", "--create-kek", "-o", "a.kmk"], b"of A").expect(0);
    k(
        &["encrypt", "--kek", "kek-b", "--create-kek", "-o", "b.kmk"],
        b"of B",
    )
    .expect(0);

    // A file under KEK B, decrypted where KEK A is expected: exit 6, naming both, no output.
    let run = k(&["decrypt", "b.kmk", "-o", "b.out"], b"").expect(6);
    assert!(
        run.stderr.contains("\"kek-b\"")
            && run.stderr.contains("\"kek-a\"")
            && run.stderr.contains("--kek"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("b.out").exists());
    k(&["decrypt", "b.kmk", "--kek", "kek-a"], b"").expect(6);
    assert_eq!(
        k(&["decrypt", "b.kmk", "--kek", "kek-b"], b"")
            .expect(0)
            .stdout,
        b"of B"
    );
    assert_eq!(k(&["decrypt", "a.kmk"], b"").expect(0).stdout, b"of A");

    // No expected key at all: refused with a hint, not decided by the file.
    let bare = write_config(&dir, "bare.toml", &entry, "");
    let run = kmipkit(&bare, &dir, &["decrypt", "a.kmk"], b"").expect(2);
    assert!(run.stderr.contains("--kek NAME"), "{}", run.stderr);
    kmipkit(&bare, &dir, &["decrypt", "a.kmk", "--kek", "kek-a"], b"").expect(0);

    // Protected-DEK files: dek unlock and encrypt --dek check the KEK too.
    k(&["dek", "create", "--kek", "kek-b", "-o", "b.dek"], b"").expect(0);
    k(&["dek", "unlock", "b.dek"], b"").expect(6);
    k(&["dek", "unlock", "b.dek", "--kek", "kek-b"], b"").expect(0);
    k(&["encrypt", "--dek", "b.dek", "-o", "x.kmk"], b"x").expect(6);
    assert!(!dir.join("x.kmk").exists());
    k(
        &["encrypt", "--dek", "b.dek", "--kek", "kek-b", "-o", "x.kmk"],
        b"x",
    )
    .expect(0);
    kmipkit(&bare, &dir, &["dek", "unlock", "b.dek"], b"").expect(2);

    // Model 2: the identifier is required, and a --kek does not open it.
    k(&["encrypt", "--for", "5", "-o", "c5.kmk"], b"five").expect(0);
    let run = k(&["decrypt", "c5.kmk"], b"").expect(2);
    assert!(run.stderr.contains("--for ID"), "{}", run.stderr);
    k(&["decrypt", "c5.kmk", "--kek", "kek-a"], b"").expect(6);
    assert_eq!(
        k(&["decrypt", "c5.kmk", "--for", "5"], b"")
            .expect(0)
            .stdout,
        b"five"
    );

    // dek create never silently replaces a protected data key.
    let before = fs::read(dir.join("b.dek")).unwrap();
    let run = k(&["dek", "create", "--kek", "kek-b", "-o", "b.dek"], b"").expect(2);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(fs::read(dir.join("b.dek")).unwrap(), before);
    k(
        &["dek", "create", "--kek", "kek-b", "-o", "b.dek", "--force"],
        b"",
    )
    .expect(0);
    assert_ne!(fs::read(dir.join("b.dek")).unwrap(), before);
    drop(server);
}
