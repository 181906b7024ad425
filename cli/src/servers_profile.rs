//! The server profile part of `kmipkit servers check`: which family the server belongs to,
//! whether that was measured or only documented, its capabilities (and whether each comes from
//! the server's own Query or from the profile), the operations it lacks, its quirks, and the
//! way Model 1 would protect its data key there. The core decides all of it
//! (`kmipkit::client::profile`); this only renders.

use kmipkit::client::profile::{Capability, Evidence, Recognised};
use serde_json::{Value, json};

/// The profile as JSON.
pub fn profile_json(r: &Recognised) -> Value {
    let profile = r.profile;
    let capabilities: serde_json::Map<String, Value> = Capability::ALL
        .iter()
        .map(|c| {
            let (support, source) = r.capability(*c);
            let entry = json!({ "support": support.as_str(), "source": source.as_str() });
            (c.key().to_string(), entry)
        })
        .collect();
    let missing: Vec<Value> = r
        .operations_missing()
        .iter()
        .map(|m| json!({ "operation": m.operation.to_string(), "answer": m.answer, "instead": m.instead }))
        .collect();
    let quirks: Vec<Value> = profile
        .map(|p| p.quirks)
        .unwrap_or_default()
        .iter()
        .map(|q| json!({ "behaviour": q.behaviour, "adaptation": q.adaptation }))
        .collect();
    let evidence = match profile.map(|p| p.evidence) {
        Some(Evidence::Measured { how }) => json!({ "measured": how }),
        Some(Evidence::Documented { sources }) => json!({ "documented": sources }),
        _ => Value::Null,
    };
    let (gone, new) = r.listing_differences();
    let names = |ops: Vec<kmipkit::spec::Operation>| -> Vec<String> {
        ops.iter().map(ToString::to_string).collect()
    };
    let model1 = match r.model1_kek_method() {
        Ok(c) => {
            json!({ "method": method_key(c.method), "confirmed": c.confirmed, "reason": c.reason })
        }
        Err(no) => json!({ "method": Value::Null, "confirmed": false, "reason": no.reason }),
    };
    json!({
        "family": r.family(),
        "title": r.title(),
        "verified": r.is_verified(),
        "evidence": evidence,
        "measured_versions": profile.map(|p| p.versions).unwrap_or_default(),
        "matched_on": r.matched_on.map(|m| m.to_string()),
        "kmip_versions": profile.map(|p| p.kmip_versions.iter().map(ToString::to_string).collect::<Vec<_>>()).unwrap_or_default(),
        "capabilities": capabilities,
        "operations_missing": missing,
        "quirks": quirks,
        "listing_differences": { "no_longer_listed": names(gone), "newly_listed": names(new) },
        "model1_kek_method": model1,
    })
}

fn method_key(method: kmipkit::client::profile::KekMethod) -> &'static str {
    use kmipkit::client::profile::KekMethod;
    match method {
        KekMethod::ServerSideGcm => "server_side_gcm",
        KekMethod::KeyWrap => "key_wrap",
        _ => "other",
    }
}

/// The profile JSON of [`profile_json`] as lines for people.
pub fn describe_profile(p: &Value) -> Vec<String> {
    let s = |v: &Value| v.as_str().unwrap_or("?").to_string();
    let mut lines = Vec::new();
    let how = match (&p["evidence"]["measured"], &p["evidence"]["documented"]) {
        (Value::String(how), _) => format!("verified: measured here ({how})"),
        (_, Value::Array(urls)) => format!(
            "NOT verified: from public documentation only ({})",
            urls.iter().map(s).collect::<Vec<_>>().join(", ")
        ),
        _ => "no known profile matches what the server said; everything below is unknown".into(),
    };
    let matched = p["matched_on"]
        .as_str()
        .map(|m| format!(", recognised because {m}"))
        .unwrap_or_default();
    lines.push(format!("profile: {}{matched}", s(&p["title"])));
    lines.push(format!("  {how}"));
    let caps: Vec<String> = Capability::ALL
        .iter()
        .map(|c| {
            let e = &p["capabilities"][c.key()];
            format!(
                "{}: {} ({})",
                c.describe(),
                s(&e["support"]),
                s(&e["source"])
            )
        })
        .collect();
    lines.push("  capabilities:".into());
    lines.extend(caps.into_iter().map(|c| format!("    {c}")));
    if let Some(missing) = p["operations_missing"].as_array().filter(|m| !m.is_empty()) {
        lines.push("  operations missing:".into());
        for m in missing {
            lines.push(format!(
                "    {} — {}; instead: {}",
                s(&m["operation"]),
                s(&m["answer"]),
                s(&m["instead"])
            ));
        }
    }
    if let Some(quirks) = p["quirks"].as_array().filter(|q| !q.is_empty()) {
        lines.push("  quirks:".into());
        for q in quirks {
            lines.push(format!(
                "    - {} → {}",
                s(&q["behaviour"]),
                s(&q["adaptation"])
            ));
        }
    }
    let differences = &p["listing_differences"];
    for (key, said) in [
        ("no_longer_listed", "listed when measured, not listed now"),
        ("newly_listed", "listed now, not when measured"),
    ] {
        if let Some(ops) = differences[key].as_array().filter(|o| !o.is_empty()) {
            let ops: Vec<String> = ops.iter().map(s).collect();
            lines.push(format!(
                "  note: {said}: {} (another version or configuration?)",
                ops.join(", ")
            ));
        }
    }
    let model1 = &p["model1_kek_method"];
    let method = match model1["method"].as_str() {
        Some("server_side_gcm") => "AES-GCM Encrypt/Decrypt on the server",
        Some("key_wrap") => "AES key wrap (RFC 5649) with unwrap on the server",
        Some(_) => "another method",
        None => "not possible",
    };
    let confirmed = match model1["confirmed"].as_bool() {
        Some(false) if !model1["method"].is_null() => " (unconfirmed: tried at setup)",
        _ => "",
    };
    lines.push(format!(
        "  Model 1 KEK: {method}{confirmed} — {}",
        s(&model1["reason"])
    ));
    lines
}
