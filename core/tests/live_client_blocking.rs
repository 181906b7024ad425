//! The blocking facade and `Client::connect` from a configuration file, against live PyKMIP:
//! the path an application without an async runtime takes.
#![cfg(feature = "net")]

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use kmipkit::client::BlockingClient;
use kmipkit::config::Config;
use kmipkit::spec::{ProtocolVersion, RevocationReasonCode};
use kmipkit_testkit::{Entry, scratch, servers_toml, write_private};
use support::pykmip::{TestServer, differs};

/// `dir/kmipkit.toml` naming `server`, then `extra` tables; the loader's defaults otherwise.
fn write_config(dir: &Path, server: &TestServer, extra: &str) -> PathBuf {
    let servers = servers_toml(&[Entry::of("pykmip", server)]);
    write_private(&dir.join("kmipkit.toml"), &format!("{servers}{extra}"))
}

#[test]
fn an_application_without_async_creates_uses_and_destroys_a_key() {
    let server = TestServer::start(0);
    let dir = scratch("blocking");
    let config = Config::load(write_config(&dir, &server, "")).expect("config");
    let client = BlockingClient::connect(&config).expect("connect");
    let newest = if differs(
        "live_client_blocking::an_application_without_async_creates_uses_and_destroys_a_key",
    ) {
        ProtocolVersion::V2_1
    } else {
        ProtocolVersion::V2_0
    };
    assert_eq!(client.client().version(), newest, "negotiated with PyKMIP");

    // No async runtime is involved: the call runs on this thread, outside any tokio context.
    let id = client
        .run(|c| async move {
            assert!(tokio::runtime::Handle::try_current().is_err());
            c.create_aes_key("blocking-key", 256).await
        })
        .expect("create");
    client.run(|c| c.activate(&id)).expect("activate");
    assert_eq!(
        client
            .run(|c| c.locate_by_name("blocking-key"))
            .expect("locate"),
        vec![id.clone()]
    );
    client
        .run(|c| c.revoke_for(&id, RevocationReasonCode::CessationOfOperation))
        .expect("revoke");
    client.run(|c| c.destroy(&id)).expect("destroy");
    fs::remove_dir_all(dir).ok();
}

/// Threads share one client; every call is answered on the pool's few connections.
#[test]
fn threads_share_one_client() {
    let server = TestServer::start(0);
    let dir = scratch("threads");
    let config = Config::load(write_config(
        &dir,
        &server,
        "[pool]\nmax_connections_per_server = 2\n",
    ))
    .expect("config");
    let client = BlockingClient::connect(&config).expect("connect");
    let id = client
        .run(|c| c.create_aes_key("shared-key", 256))
        .expect("create");
    let served = |client: &BlockingClient| {
        let stats = &client.client().cluster().stats()[0];
        stats.connections_opened + stats.connections_reused
    };
    let before = served(&client);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..5 {
                    let names = client
                        .run(|c| c.locate_by_name("shared-key"))
                        .expect("locate");
                    assert_eq!(names, vec![id.clone()]);
                }
            });
        }
    });
    let stats = &client.client().cluster().stats()[0];
    assert!(stats.open_peak <= 2, "{stats:?}");
    assert!(stats.connections_opened <= 2, "{stats:?}");
    assert_eq!(served(&client) - before, 40, "{stats:?}");
    fs::remove_dir_all(dir).ok();
}

#[test]
fn a_pinned_version_is_spoken_without_negotiating() {
    let server = TestServer::start(0);
    let dir = scratch("pinned");
    let config = Config::load(write_config(
        &dir,
        &server,
        "[protocol]\nversion = \"1.2\"\n",
    ))
    .expect("config");
    let client = BlockingClient::connect(&config).expect("connect");
    assert_eq!(client.client().version(), ProtocolVersion::V1_2);
    let versions = client
        .run(|c| c.discover_versions(Vec::new()))
        .expect("discover versions");
    assert!(versions.contains(&ProtocolVersion::V1_2));
    fs::remove_dir_all(dir).ok();
}
