//! `kmipkit servers check`, `key …`, `config`, `completions` and the failure paths of connecting
//! (no server, bad certificate, missing configuration), against a real PyKMIP server.

mod support;

use std::net::TcpListener;

use support::{Entry, TestServer, kmipkit, scratch, write_config};

#[test]
fn servers_check_and_connection_failures() {
    let server = TestServer::start(0);
    let dir = scratch("servers-cfg");
    let good = write_config(&dir, "good.toml", &[Entry::of("kms1", &server)], "");

    let run = kmipkit(&good, &dir, &["servers", "check"], b"").expect(0);
    let text = run.text();
    for needle in [
        "kms1",
        "TLS 1.2",
        "CN=localhost",
        "IP:127.0.0.1",
        "KMIP: version 2.0",
        "round trip",
        "PyKMIP",
        "profile: PyKMIP 0.11.0",
        "OK",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let doc = kmipkit(&good, &dir, &["servers", "check", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(doc["ok"], true);
    let s = &doc["servers"][0];
    assert_eq!(s["tls"]["protocol"], "TLS 1.2");
    assert_eq!(s["kmip_version"], "2.0");
    assert_eq!(
        s["tls"]["certificate"]["sha256"].as_str().unwrap().len(),
        95
    );
    assert!(s["round_trip_ms"].as_f64().unwrap() > 0.0);
    // Its measured profile (the details: live_servers_profiles.rs).
    assert_eq!(s["profile"]["family"], "PyKMIP");
    assert_eq!(s["profile"]["verified"], true);
    assert_eq!(s["profile"]["capabilities"]["rekey"]["support"], "no");

    // No server: a port nobody listens on (bound, then released).
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut down = Entry::of("kms-down", &server);
    down.port = closed;
    let both = write_config(&dir, "both.toml", &[down, Entry::of("kms1", &server)], "");
    let run = kmipkit(&both, &dir, &["servers", "check"], b"").expect(4);
    let text = run.text();
    assert!(
        text.contains("kms-down") && text.contains("FAILED") && text.contains("advice:"),
        "{text}"
    );
    assert!(
        text.contains("[primary]"),
        "the advice names the section: {text}"
    );
    assert!(
        text.contains("OK"),
        "the healthy secondary is still checked: {text}"
    );
    let doc = kmipkit(&both, &dir, &["servers", "check", "--json"], b"")
        .expect(4)
        .json();
    assert_eq!(doc["servers"][0]["ok"], false);
    assert_eq!(doc["servers"][0]["error"]["kind"], "Connect");
    assert_eq!(doc["servers"][1]["ok"], true);
    // An operation fails over to the secondary when the primary is down.
    kmipkit(&both, &dir, &["key", "create", "via-failover"], b"").expect(0);

    let only_down = write_config(
        &dir,
        "down.toml",
        &[Entry {
            name: "kms-down",
            port: closed,
            ca: server.path("ca"),
            cert: server.path("client_cert"),
            key: server.path("client_key"),
        }],
        "",
    );
    let run = kmipkit(&only_down, &dir, &["key", "locate"], b"").expect(4);
    assert!(
        run.stderr.contains("error:") && run.stderr.contains("hint:"),
        "{}",
        run.stderr
    );
    // Failover retries until the deadline: the wait is explained, not silent.
    assert!(
        run.stderr.contains("note: no key server has answered yet")
            && run.stderr.contains("3 s deadline"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("Error {"),
        "{}",
        run.stderr
    );
    let err = kmipkit(&only_down, &dir, &["key", "locate", "--json"], b"")
        .expect(4)
        .error_json();
    assert_eq!(err["error"]["exit_code"], 4);
    assert_eq!(err["error"]["category"], "connection");

    // Bad certificate: a CA that did not sign the server's certificate.
    let mut wrong_ca = Entry::of("kms1", &server);
    wrong_ca.ca = server.path("wrong_ca");
    let bad = write_config(&dir, "bad-ca.toml", &[wrong_ca], "");
    let run = kmipkit(&bad, &dir, &["servers", "check"], b"").expect(4);
    assert!(run.text().contains("certificate"), "{}", run.text());
    let err = kmipkit(&bad, &dir, &["key", "locate", "--json"], b"")
        .expect(4)
        .error_json();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("certificate"),
        "{err}"
    );
    // Refused the way retrying cannot fix: told as that refusal after one attempt, not as
    // "no server answered" after the whole deadline.
    assert_eq!(err["error"]["kind"], "Certificate", "{err}");
    assert_eq!(err["error"]["category"], "connection", "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("(1 attempt)"),
        "{err}"
    );

    // A client certificate the server refuses (issued by another CA).
    let mut wrong_client = Entry::of("kms1", &server);
    wrong_client.cert = server.path("wrong_ca_client_cert");
    wrong_client.key = server.path("wrong_ca_client_key");
    let refused = write_config(&dir, "bad-client.toml", &[wrong_client], "");
    kmipkit(&refused, &dir, &["servers", "check"], b"").expect(4);

    // Configuration problems: missing file, exposed file, unknown key.
    let missing = dir.join("nope.toml");
    let run = kmipkit(&missing, &dir, &["key", "locate"], b"").expect(3);
    assert!(
        run.stderr.contains("no configuration file") && run.stderr.contains("KMIPKIT_CONFIG"),
        "{}",
        run.stderr
    );
    let exposed = write_config(&dir, "exposed.toml", &[Entry::of("kms1", &server)], "");
    std::fs::set_permissions(
        &exposed,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let run = kmipkit(&exposed, &dir, &["servers", "check"], b"").expect(3);
    assert!(run.stderr.contains("chmod"), "{}", run.stderr);
    let typo = write_config(
        &dir,
        "typo.toml",
        &[Entry::of("kms1", &server)],
        "[key]\nnmae = \"x\"\n",
    );
    let run = kmipkit(&typo, &dir, &["config", "check"], b"").expect(3);
    assert!(run.stderr.contains("name"), "{}", run.stderr);
    kmipkit(&good, &dir, &["config", "check", "--json"], b"")
        .expect(0)
        .json();
    let example = kmipkit(&good, &dir, &["config", "example"], b"")
        .expect(0)
        .text();
    assert!(example.contains("[primary]"));

    // Usage errors: exit 2, JSON on stderr with --json.
    kmipkit(&good, &dir, &["key", "frobnicate"], b"").expect(2);
    let err = kmipkit(&good, &dir, &["--json", "key", "create"], b"")
        .expect(2)
        .error_json();
    assert_eq!(err["error"]["category"], "usage");
    // The whole of clap's message: which argument is missing, and the usage as the hint.
    assert!(
        err["error"]["message"].as_str().unwrap().contains("<NAME>"),
        "{err}"
    );
    assert!(
        err["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("kmipkit key create"),
        "{err}"
    );
    kmipkit(&good, &dir, &["--help"], b"").expect(0);

    // --json on every command, these two included.
    let doc = kmipkit(&good, &dir, &["config", "example", "--json"], b"")
        .expect(0)
        .json();
    assert!(doc["toml"].as_str().unwrap().contains("[primary]"));
    let doc = kmipkit(&good, &dir, &["completions", "bash", "--json"], b"")
        .expect(0)
        .json();
    assert_eq!(doc["shell"], "bash");
    for shell in ["bash", "zsh", "fish"] {
        let script = kmipkit(&good, &dir, &["completions", shell], b"")
            .expect(0)
            .text();
        assert!(
            script.contains("kmipkit") && script.contains("encrypt"),
            "{shell}"
        );
    }
    drop(server);
}

#[test]
fn key_operations() {
    let server = TestServer::start(0);
    let dir = scratch("keys-cfg");
    let cfg = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], "");
    let k = |args: &[&str]| kmipkit(&cfg, &dir, args, b"");

    let created = k(&["key", "create", "orders", "--json"]).expect(0).json();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["state"], "Active");
    k(&["key", "create", "staged", "--bits", "128", "--pre-active"]).expect(0);
    k(&["key", "create", "odd", "--bits", "100"]).expect(2);
    let run = k(&["key", "create", "orders"]).expect(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);

    let got = k(&["key", "get", "orders", "--json"]).expect(0).json();
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["state"], "Active");
    assert_eq!(got["bits"], 256);
    assert!(
        !got.to_string().to_lowercase().contains("material"),
        "no key bytes in JSON: {got}"
    );
    let by_id = k(&["key", "get", &id, "--id", "--json"]).expect(0).json();
    assert_eq!(by_id["name"], "orders");

    // Key bytes only on request, to a 0600 file.
    let secret = dir.join("orders.key");
    k(&["key", "get", "orders", "--reveal", secret.to_str().unwrap()]).expect(0);
    let meta = std::fs::metadata(&secret).unwrap();
    assert_eq!(meta.len(), 32);
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
        0o600
    );
    let piped = k(&["key", "get", "orders", "--reveal", "-"]).expect(0);
    assert_eq!(piped.stdout.len(), 32, "only the 32 key bytes on stdout");
    assert!(
        piped.stderr.contains("state: Active"),
        "the summary goes to stderr"
    );

    let found = k(&["key", "locate", "--name", "orders", "--json"])
        .expect(0)
        .json();
    assert_eq!(found["keys"][0]["id"], id.as_str());
    let pre = k(&["key", "locate", "--state", "PreActive", "--json"])
        .expect(0)
        .json();
    assert_eq!(pre["keys"].as_array().unwrap().len(), 1);
    k(&["key", "locate", "--state", "Sleeping"]).expect(2);

    let attrs = k(&["key", "attributes", "orders"]).expect(0).text();
    assert!(
        attrs.contains("Cryptographic Algorithm: AES") && attrs.contains("State: Active"),
        "{attrs}"
    );

    k(&["key", "activate", "staged"]).expect(0);
    assert_eq!(
        k(&["key", "get", "staged", "--json"]).expect(0).json()["state"],
        "Active"
    );
    k(&["key", "activate", "staged"]).expect(5); // already active: the server refuses

    // Destroy: needs --yes; an active key must be revoked first.
    k(&["key", "destroy", "staged"]).expect(2);
    let run = k(&["key", "destroy", "staged", "--yes"]).expect(5);
    assert!(run.stderr.contains("revoke"), "{}", run.stderr);
    k(&["key", "revoke", "staged", "--reason", "superseded"]).expect(0);
    assert_eq!(
        k(&["key", "get", "staged", "--json"]).expect(0).json()["state"],
        "Deactivated"
    );
    k(&["key", "destroy", "staged", "--yes"]).expect(0);
    k(&["key", "create", "gone"]).expect(0);
    k(&["key", "destroy", "gone", "--yes", "--revoke"]).expect(0);

    // Unknown key: exit 5 with advice.
    let run = k(&["key", "get", "no-such-key"]).expect(5);
    assert!(
        run.stderr.contains("no key is named") && run.stderr.contains("key locate"),
        "{}",
        run.stderr
    );
    // --json keeps the server's refusal: its kind and its KMIP Result Reason.
    let err = k(&["key", "get", "no-such-key", "--json"])
        .expect(5)
        .error_json();
    assert_eq!(err["error"]["kind"], "Server", "{err}");
    assert_eq!(err["error"]["reason"], "ItemNotFound", "{err}");

    // Rotation of a Model 2 key and of a Model 1 KEK.
    let rotated = k(&["key", "rotate", "orders", "--retire-old", "--json"])
        .expect(0)
        .json();
    assert_eq!(rotated["version"], 2);
    assert_eq!(
        k(&["key", "get", "orders", "--json"]).expect(0).json()["state"],
        "Deactivated"
    );
    assert_eq!(
        k(&["key", "get", "orders/v2", "--json"]).expect(0).json()["state"],
        "Active"
    );
    k(&["key", "rotate", "--kek", "no-kek"]).expect(5);
    k(&["dek", "create", "--kek", "kek", "-o", "d.dek"]).expect(5);
    k(&[
        "dek",
        "create",
        "--kek",
        "kek",
        "--create-kek",
        "-o",
        "d.dek",
    ])
    .expect(0);
    let kek = k(&["key", "rotate", "--kek", "kek", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        (kek["previous_version"].clone(), kek["version"].clone()),
        (1.into(), 2.into())
    );
    drop(server);
}
