//! `[key] kek_method` in kmipkit.toml reaches Model 1: with `"key-wrap"`, PyKMIP (which cannot
//! unwrap on the server) is refused when the KEK is set up, with the reason and the way out, and
//! no ciphertext is written; a misspelt method is a configuration error naming the choices.

mod support;

use std::fs;

use support::{Entry, TestServer, kmipkit, scratch, write_config};

#[test]
fn key_wrap_from_the_configuration_is_refused_at_setup_by_pykmip() {
    let server = TestServer::start(0);
    let dir = scratch("kek-method");
    let cfg = write_config(
        &dir,
        "kmipkit.toml",
        &[Entry::of("kms1", &server)],
        "[key]\nname = \"wrap-kek\"\nkek_method = \"key-wrap\"\n",
    );
    fs::write(dir.join("plain.bin"), b"row 1").unwrap();
    let run = kmipkit(
        &cfg,
        &dir,
        &["encrypt", "--create-kek", "plain.bin", "-o", "out.kmk"],
        b"",
    )
    .expect(1);
    assert!(
        run.stderr
            .contains("cannot protect Model 1 data keys by AES key wrap")
            && run.stderr.contains("KekMethod::Encrypt"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.join("out.kmk").exists(),
        "no output for a refused encryption"
    );

    let bad = write_config(
        &dir,
        "bad.toml",
        &[Entry::of("kms1", &server)],
        "[key]\nname = \"wrap-kek\"\nkek_method = \"rfc3394\"\n",
    );
    let run = kmipkit(&bad, &dir, &["encrypt", "plain.bin", "-o", "out.kmk"], b"");
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("kek_method") && run.stderr.contains("key-wrap"),
        "{}",
        run.stderr
    );
}
