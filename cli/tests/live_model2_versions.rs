//! `kmipkit encrypt --for` follows the key's versions and states, and `decrypt` refuses a
//! compromised key unless `--allow-compromised`, against a real PyKMIP server.

mod support;

use std::fs;

use support::{Entry, TestServer, kmipkit, scratch, write_config};

#[test]
fn model2_encrypts_under_the_newest_active_version_and_refuses_compromised_keys() {
    let server = TestServer::start(0);
    let dir = scratch("m2v-cfg");
    let cfg = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], "");
    let k = |args: &[&str], stdin: &[u8]| kmipkit(&cfg, &dir, args, stdin);
    let encrypt = |out: &str, text: &[u8]| {
        k(
            &[
                "encrypt", "--for", "5", "--prefix", "c:", "-o", out, "--json",
            ],
            text,
        )
    };
    let v1 = encrypt("v1.kmk", b"one").expect(0).json();
    assert_eq!(v1["key"]["name"], "c:5");
    assert_eq!(v1["key"]["version"], 1);

    k(&["key", "rotate", "c:5", "--retire-old"], b"").expect(0);
    let v2 = encrypt("v2.kmk", b"two").expect(0).json();
    assert_eq!(v2["key"]["version"], 2, "sealed under the new version");
    // The retired version still decrypts.
    let out = k(&["decrypt", "v1.kmk", "--for", "5", "--prefix", "c:"], b"").expect(0);
    assert_eq!(out.stdout, b"one");

    // Version 2 revoked as compromised: neither encryption nor decryption without the opt-in.
    let uid = v2["key"]["id"].as_str().unwrap().to_string();
    k(
        &["key", "revoke", &uid, "--id", "--reason", "compromise"],
        b"",
    )
    .expect(0);
    let run = encrypt("v3.kmk", b"three").expect(5);
    assert!(
        run.stderr.contains("no Active version") && run.stderr.contains("Compromised"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("v3.kmk").exists());
    let run = k(
        &[
            "decrypt", "v2.kmk", "--for", "5", "--prefix", "c:", "-o", "v2.out",
        ],
        b"",
    )
    .expect(5);
    assert!(
        run.stderr.contains("Compromised") && run.stderr.contains("--allow-compromised"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("v2.out").exists());
    k(
        &[
            "decrypt",
            "v2.kmk",
            "--for",
            "5",
            "--prefix",
            "c:",
            "-o",
            "v2.out",
            "--allow-compromised",
        ],
        b"",
    )
    .expect(0);
    assert_eq!(fs::read(dir.join("v2.out")).unwrap(), b"two");

    // Names that would collide are refused before anything is sent.
    k(&["encrypt", "--for", "Z/v2", "-o", "z.kmk"], b"z").expect(2);
    k(
        &["encrypt", "--for", "5", "--prefix", "c-", "-o", "z.kmk"],
        b"z",
    )
    .expect(2);
}
