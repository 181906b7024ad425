//! `kmipkit servers check`: each configured key server, one by one, step by step.
//!
//! Per server: TCP connect and TLS handshake (version, cipher suite, the server's certificate),
//! KMIP version negotiation, Query (vendor, server information, operations), round-trip time, and
//! the server's profile (family, verified or documented, capabilities, missing operations,
//! quirks, Model 1's KEK method; see `servers_profile.rs`).
//! Each server is checked on its own transport, so failover cannot hide a broken one. A failed
//! step ends that server's check with the error and advice; the others are still checked.
//! With more than one server, a probe key then tells whether the servers share keys
//! (`Client::key_sharing`): "replicated" or "independent", and what failover can promise.

use std::time::{Duration, Instant};

use kmipkit::client::{Client, Seen};
use kmipkit::config::{Config, ServerConfig};
use kmipkit::transport::TlsInfo;
use serde_json::{Value, json};

use crate::ctx::{Ctx, runtime};
use crate::exit::{CliResult, Exit, Failure};
use crate::output::millis;
use crate::servers_profile::{describe_profile, profile_json};

/// Checks every server (or only `only`); fails with the first failing server's exit code.
pub fn check(ctx: &Ctx, only: Option<&str>) -> CliResult {
    let config = ctx.config()?;
    let servers: Vec<&ServerConfig> = config
        .servers
        .iter()
        .filter(|s| only.is_none_or(|n| s.name == n))
        .collect();
    if servers.is_empty() {
        let names: Vec<&str> = config.servers.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::usage(format!(
            "no configured key server is named {:?}; configured: {}",
            only.unwrap_or_default(),
            names.join(", ")
        )));
    }
    let rt = runtime()?;
    let out = &ctx.out;
    let mut reports = Vec::new();
    let mut first_failure: Option<Exit> = None;
    for (index, server) in servers.iter().enumerate() {
        let section = if index == 0 && server.name == config.servers[0].name {
            "[primary]".to_string()
        } else {
            format!("[[secondary]] name = {:?}", server.name)
        };
        out.line(format!("{} ({})", server.name, server.address()));
        let (report, failure) = rt.block_on(check_one(&config, server));
        for line in describe(&report) {
            out.line(format!("  {line}"));
        }
        if let Some(f) = failure {
            out.line(format!("  FAILED: {}", f.message));
            out.line(format!(
                "  advice: {} (settings: {section} in {})",
                f.hint.as_deref().unwrap_or("see the error above"),
                config
                    .path
                    .as_ref()
                    .map_or("kmipkit.toml".into(), |p| p.display().to_string())
            ));
            first_failure.get_or_insert(f.exit);
        } else {
            out.line("  OK");
        }
        reports.push(report);
    }
    let ok = first_failure.is_none();
    let sharing = match only.is_none() && config.servers.len() > 1 {
        true => Some(rt.block_on(key_sharing(&config, out))),
        false => None,
    };
    out.document(json!({ "ok": ok, "servers": reports, "key_sharing": sharing }));
    match first_failure {
        None => Ok(()),
        Some(exit) => Err(Failure::new(
            exit,
            format!(
                "{} of {} key servers failed the check",
                reports.iter().filter(|r| r["ok"] == false).count(),
                reports.len()
            ),
        )),
    }
}

/// Whether the servers share keys (the core's probe), printed and as JSON. A probe that cannot
/// run is reported, not a failure of the check.
async fn key_sharing(config: &Config, out: &crate::output::Out) -> Value {
    let report = match Client::connect(config).await {
        Ok(client) => client.key_sharing().await,
        Err(e) => Err(e),
    };
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            out.line(format!("key sharing: could not be checked: {e}"));
            return json!({ "sharing": "unknown", "error": e.to_string() });
        }
    };
    let others: Vec<Value> = report
        .others
        .iter()
        .map(|(server, seen)| {
            let (holds, error) = match seen {
                Seen::Yes(_) => (json!(true), None),
                Seen::No => (json!(false), None),
                Seen::Unreachable(why) => (Value::Null, Some(why.clone())),
            };
            json!({ "server": server, "holds_probe": holds, "error": error })
        })
        .collect();
    let sharing = report.sharing;
    out.line(format!(
        "key sharing: {} (probe key created on {}, looked for on the others, destroyed)",
        sharing.as_str(),
        report.probe_server
    ));
    for (server, seen) in &report.others {
        let said = match seen {
            Seen::Yes(_) => "holds the probe".to_string(),
            Seen::No => "does not hold the probe".to_string(),
            Seen::Unreachable(why) => format!("could not be asked: {why}"),
        };
        out.line(format!("  {server} {said}"));
    }
    out.line(format!("  failover: {}", sharing.promise()));
    for (server, uid, why) in &report.leftovers {
        out.line(format!(
            "  WARNING: probe key {uid} on {server} could not be destroyed ({why}); destroy it by hand"
        ));
    }
    json!({
        "sharing": sharing.as_str(),
        "probe_server": report.probe_server,
        "others": others,
        "promise": sharing.promise(),
        "leftovers": report.leftovers.iter().map(|(s, u, w)| json!({"server": s, "id": u, "error": w})).collect::<Vec<_>>(),
    })
}

/// Checks one server; returns the JSON report and the failure, if any.
async fn check_one(config: &Config, server: &ServerConfig) -> (Value, Option<Failure>) {
    let mut report = json!({
        "name": server.name,
        "address": server.address(),
        "transport": server.wire.to_string(),
        "ok": false,
    });
    let failure = match steps(config, server, &mut report).await {
        Ok(()) => {
            report["ok"] = json!(true);
            None
        }
        Err(f) => {
            report["error"] = json!({
                "exit_code": f.exit.code(),
                "kind": f.kind.map(|k| k.to_string()),
                "message": f.message,
                "hint": f.hint,
            });
            Some(f)
        }
    };
    (report, failure)
}

async fn steps(config: &Config, server: &ServerConfig, report: &mut Value) -> CliResult {
    // One server, no failover: the deadline is one connect plus one request.
    let one = config.only_server(&server.name)?;
    let transport = one.transport()?;

    let tls = transport.tls_info(&server.name).await?;
    report["tls"] = tls_json(&tls);

    let started = Instant::now();
    let client = Client::connect_over(&one, transport).await?;
    report["kmip_version"] = json!(client.version().to_string());
    report["negotiation_ms"] = json!(millis(started.elapsed()));

    // The round trip: the best of three DiscoverVersions on the open connection.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t0 = Instant::now();
        client.discover_versions(vec![client.version()]).await?;
        best = best.min(t0.elapsed());
    }
    report["round_trip_ms"] = json!(millis(best));

    // One Query (operations, objects, server information), recognised as a server profile.
    let t0 = Instant::now();
    let recognised = client.server_profile_on(&server.name).await?;
    report["query_ms"] = json!(millis(t0.elapsed()));
    let seen = &recognised.observed;
    report["server"] = json!({
        "vendor": seen.vendor_identification,
        "name": seen.server_name,
        "version": seen.server_version,
        "operations": seen.operations.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "object_types": seen.object_types.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    report["profile"] = profile_json(&recognised);
    Ok(())
}

fn tls_json(tls: &TlsInfo) -> Value {
    let cert = &tls.certificate;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    json!({
        "peer": tls.address,
        "protocol": tls.protocol_version,
        "cipher_suite": tls.cipher_suite,
        "connect_ms": millis(tls.connect_time),
        "handshake_ms": millis(tls.handshake_time),
        "chain_length": tls.chain_len,
        "certificate": {
            "subject": cert.subject,
            "issuer": cert.issuer,
            "not_before": cert.not_before,
            "not_after": cert.not_after,
            "days_left": (cert.not_after_unix - now).div_euclid(86_400),
            "subject_alt_names": cert.subject_alt_names,
            "sha256": cert.sha256_hex(),
        },
    })
}

/// The report as lines for people.
fn describe(r: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let s = |v: &Value| v.as_str().unwrap_or("?").to_string();
    if let Some(tls) = r.get("tls") {
        let c = &tls["certificate"];
        lines.push(format!(
            "reachable: {} (TCP {} ms, handshake {} ms)",
            s(&tls["peer"]),
            tls["connect_ms"],
            tls["handshake_ms"]
        ));
        lines.push(format!(
            "TLS: {}, {}",
            s(&tls["protocol"]),
            s(&tls["cipher_suite"])
        ));
        lines.push(format!(
            "certificate: {} (issued by {})",
            s(&c["subject"]),
            s(&c["issuer"])
        ));
        let sans: Vec<String> = c["subject_alt_names"]
            .as_array()
            .map(|a| a.iter().map(s).collect())
            .unwrap_or_default();
        lines.push(format!("  names: {}", sans.join(", ")));
        lines.push(format!(
            "  valid {} to {} ({} days left)",
            s(&c["not_before"]),
            s(&c["not_after"]),
            c["days_left"]
        ));
        lines.push(format!("  sha256: {}", s(&c["sha256"])));
    }
    if let Some(wire) = r.get("transport") {
        lines.push(format!("transport: {}", s(wire)));
    }
    if let Some(v) = r.get("kmip_version") {
        lines.push(format!("KMIP: version {} agreed", s(v)));
    }
    if let Some(rtt) = r.get("round_trip_ms") {
        lines.push(format!("round trip: {rtt} ms (best of 3)"));
    }
    if let Some(server) = r.get("server") {
        let vendor = server["vendor"].as_str().unwrap_or("(not given)");
        let ops = server["operations"].as_array().map_or(0, Vec::len);
        lines.push(format!(
            "server: {vendor}; {ops} operations supported (Query took {} ms)",
            r["query_ms"]
        ));
    }
    if let Some(profile) = r.get("profile") {
        lines.extend(describe_profile(profile));
    }
    lines
}
