//! Two independent PyKMIP servers through the command line (issue 11 items 2 and 3): keys whose
//! UIDs collide across servers are found by UID and name, and `servers check` tells that the
//! servers do not share keys.

mod support;

use support::{Entry, TestServer, kmipkit, scratch, write_config};

/// The id of the one key named `name`, through `config`.
fn id_of(config: &std::path::Path, dir: &std::path::Path, name: &str) -> String {
    let run = kmipkit(
        config,
        dir,
        &["key", "locate", "--name", name, "--json"],
        b"",
    )
    .expect(0);
    let keys = run.json()["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1, "{name}: {keys:?}");
    keys[0]["id"].as_str().unwrap().to_string()
}

/// Creates keys named `name` on the server of `config` until one gets UID `uid`, destroying the
/// others (PyKMIP numbers objects 1, 2, 3, ... per server).
fn create_with_uid(config: &std::path::Path, dir: &std::path::Path, name: &str, uid: &str) {
    loop {
        let run = kmipkit(
            config,
            dir,
            &["key", "create", name, "--allow-duplicate", "--json"],
            b"",
        )
        .expect(0);
        let made = run.json()["id"].as_str().unwrap().to_string();
        assert!(made.parse::<u64>().unwrap() <= uid.parse::<u64>().unwrap());
        if made == uid {
            return;
        }
        kmipkit(
            config,
            dir,
            &["key", "destroy", &made, "--id", "--yes", "--revoke"],
            b"",
        )
        .expect(0);
    }
}

#[test]
fn decrypt_finds_the_key_on_the_server_holding_its_uid_under_its_name() {
    let dir = scratch("cluster-lookup");
    let dc1 = TestServer::start(0);
    let dc2 = TestServer::start(0);
    let only_dc1 = write_config(&dir, "dc1.toml", &[Entry::of("dc1", &dc1)], "");
    let only_dc2 = write_config(&dir, "dc2.toml", &[Entry::of("dc2", &dc2)], "");
    let both = write_config(
        &dir,
        "both.toml",
        &[Entry::of("dc1", &dc1), Entry::of("dc2", &dc2)],
        "",
    );
    let encrypt = ["encrypt", "--for", "alice", "--prefix", "customer:"];
    kmipkit(
        &only_dc2,
        &dir,
        &[&encrypt[..], &["-o", "a.kmk"]].concat(),
        b"alice's rows",
    )
    .expect(0);
    let alice = id_of(&only_dc2, &dir, "customer:alice");
    create_with_uid(&only_dc1, &dir, "bob-key", &alice);

    let run = kmipkit(
        &both,
        &dir,
        &[
            "decrypt",
            "a.kmk",
            "--for",
            "alice",
            "--prefix",
            "customer:",
            "-o",
            "a.txt",
        ],
        b"",
    )
    .expect(0);
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"alice's rows");
    assert!(
        run.stderr.contains(&format!(
            "key {alice} on dc1 is `bob-key`, not `customer:alice`; found on dc2"
        )),
        "{}",
        run.stderr
    );

    // Alice's key destroyed on dc2: not found, naming both servers; not an integrity failure.
    kmipkit(
        &only_dc2,
        &dir,
        &["key", "destroy", &alice, "--id", "--yes", "--revoke"],
        b"",
    )
    .expect(0);
    let run = kmipkit(
        &both,
        &dir,
        &[
            "decrypt",
            "a.kmk",
            "--for",
            "alice",
            "--prefix",
            "customer:",
            "-o",
            "b.txt",
        ],
        b"",
    );
    assert_ne!(run.code, 6, "{}", run.stderr);
    assert_eq!(run.code, 5, "refused: {}", run.stderr);
    assert!(
        run.stderr
            .contains("on dc1 is `bob-key`, not `customer:alice`")
            && run.stderr.contains(&format!("dc2 has no object {alice}")),
        "{}",
        run.stderr
    );
}

#[test]
fn servers_check_tells_that_independent_servers_do_not_share_keys() {
    let dir = scratch("cluster-sharing");
    let dc1 = TestServer::start(0);
    let dc2 = TestServer::start(0);
    let both = write_config(
        &dir,
        "both.toml",
        &[Entry::of("dc1", &dc1), Entry::of("dc2", &dc2)],
        "",
    );
    let run = kmipkit(&both, &dir, &["servers", "check"], b"").expect(0);
    let text = run.text();
    assert!(
        text.contains("key sharing: independent (probe key created on dc1"),
        "{text}"
    );
    assert!(text.contains("dc2 does not hold the probe"), "{text}");
    assert!(
        text.contains("failover: a key lives only on the server that created it"),
        "{text}"
    );

    let run = kmipkit(&both, &dir, &["--json", "servers", "check"], b"").expect(0);
    let sharing = &run.json()["key_sharing"];
    assert_eq!(sharing["sharing"], "independent", "{sharing}");
    assert_eq!(sharing["others"][0]["holds_probe"], false, "{sharing}");
    assert_eq!(sharing["leftovers"].as_array().map(Vec::len), Some(0));

    // No probe key is left on either server.
    for (name, server) in [("dc1", &dc1), ("dc2", &dc2)] {
        let alone = write_config(
            &dir,
            &format!("{name}.toml"),
            &[Entry::of(name, server)],
            "",
        );
        let run = kmipkit(&alone, &dir, &["key", "locate", "--json"], b"").expect(0);
        let keys = run.json()["keys"].clone();
        assert!(
            !keys.to_string().contains("kmipkit-probe-"),
            "{name}: {keys}"
        );
    }
}
