//! Links the whole sans-IO core into one wasm module: TTLV, XML, JSON, the typed model and the
//! envelope ciphertext format (RustCrypto AES-256-GCM and HKDF on wasm32), and the session, the
//! client, Model 1, Model 2 and rotation over a host transport.
//!
//! `scripts/check-wasm-imports.py` then reads the module's import section; the codec must not
//! need anything from the host (no `env` imports), or it would not run in a browser as is.

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::ttlv::{Item, Limits, Placeholders, json, xml};

/// Decodes `len` bytes at `ptr` as a KMIP message and re-encodes it through every encoding;
/// returns the re-encoded length, or -1 when the input is not a message.
///
/// The pointer is taken as an integer so this crate stays free of `unsafe`: the probe only has
/// to exist in the module, it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_probe_roundtrip(input_len: usize) -> i64 {
    let bytes = vec![0u8; input_len];
    roundtrip(&bytes).map_or(-1, |n| n as i64)
}

/// Seals and opens `len` bytes with the envelope format; returns the ciphertext length, or -1.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_probe_envelope(len: usize) -> i64 {
    envelope(&vec![7u8; len]).map_or(-1, |n| n as i64)
}

/// The envelope round trip behind the exported probe.
pub fn envelope(plaintext: &[u8]) -> Option<usize> {
    use kmipkit::envelope::format::{KeyRef, Params, open, seal_with_salt};
    let dek = [1u8; 32];
    let key_ref = KeyRef {
        name: "probe".into(),
        version: 1,
        uid: "1".into(),
    };
    let sealed = seal_with_salt(&dek, &Params::new(key_ref), b"ctx", [2u8; 32], plaintext).ok()?;
    let opened = open(&sealed, &dek, b"ctx").ok()?;
    (opened.as_slice() == plaintext).then_some(sealed.len())
}

/// The round trip behind the exported probe.
pub fn roundtrip(bytes: &[u8]) -> Option<usize> {
    let item = Item::decode(bytes, &Limits::default()).ok()?;
    let mut placeholders = Placeholders::default();
    let xml_text = xml::to_string(&item, &placeholders);
    let from_xml = xml::from_str(&xml_text, &mut placeholders).ok()?;
    let json_text = json::to_string(&from_xml, &placeholders);
    let from_json = json::from_str(&json_text, &mut placeholders).ok()?;
    let bytes = match RequestMessage::from_item(&from_json) {
        Ok(m) => m.to_bytes(),
        Err(_) => ResponseMessage::from_item(&from_json).ok()?.to_bytes(),
    };
    Some(bytes.len())
}

/// Runs the client, Model 1, Model 2 and both rotations over a host transport; returns how many
/// steps ran, or -1. Linking it proves the session, the client and the models need nothing from
/// the host but the transport, the clock and the generator they are given (no `env` imports).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_probe_client(steps: usize) -> i64 {
    client(steps).map_or(-1, |n| n as i64)
}

/// The client run behind the exported probe. The host "transport" echoes each request (so every
/// step fails to parse a reply) and the generator refuses: the probe is linked, never trusted.
pub fn client(steps: usize) -> Option<usize> {
    use std::sync::Arc;

    use kmipkit::client::{Client, Options, VersionChoice};
    use kmipkit::envelope::model1::Model1;
    use kmipkit::envelope::model2::Model2;
    use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation};
    use kmipkit::platform::{ManualClock, Platform, Random};
    use kmipkit::spec::ProtocolVersion;
    use kmipkit::transport::{Cluster, HostLink, Peer, Timeouts};

    struct Refuses;
    impl Random for Refuses {
        fn fill(&self, _out: &mut [u8]) -> kmipkit::error::Result<()> {
            Err(kmipkit::platform::random_failed())
        }
    }

    let peer = Peer {
        name: "host".into(),
        host: "kms.example".into(),
        port: 5696,
        client_identity: None,
    };
    let link = HostLink::new(
        vec![peer],
        b"probe",
        Box::new(|_, request, _| Box::pin(async move { Ok(request.to_vec()) })),
        Box::new(|_| Box::pin(async {})),
    )
    .ok()?;
    let clock = Arc::new(ManualClock::default());
    let platform = Platform::new(clock.clone(), clock.clone(), Arc::new(Refuses));
    let cluster = Cluster::new(Arc::new(link), Timeouts::default(), clock).ok()?;
    let options = Options {
        version: VersionChoice::Pinned(ProtocolVersion::V1_4),
        ..Options::default()
    };
    let client = Arc::new(ready(Client::over(cluster, platform, options))?.ok()?);
    let mut ran = 0;
    for _ in 0..steps {
        let _ = ready(client.create_aes_key("probe", 256))?;
        let model1 = Model1::new(client.clone(), "probe-kek", 1).ok()?;
        let _ = ready(model1.create_dek())?;
        if let Ok(key) = ready(model1.sealing_key())? {
            let _ = key.sealer(b"ctx").map(|mut sealer| sealer.update(b"chunk"));
        }
        let _ = ready(model2_streams(&client))?;
        let _ = ready(Model1Rotation::new(model1).rewrap(b"not a ciphertext"))?;
        let model2 = Arc::new(Model2::new(client.clone(), "probe:").ok()?);
        let _ = ready(model2.encrypt("id", b"", b"plaintext"))?;
        let _ = ready(Model2Rotation::new(model2).add_version("id"))?;
        ran += 1;
    }
    Some(ran)
}

/// Model 2's push streaming: open a ciphertext header by header bytes.
async fn model2_streams(client: &std::sync::Arc<kmipkit::client::Client>) -> Option<()> {
    use kmipkit::envelope::model2::{DecryptPolicy, Model2};
    use kmipkit::envelope::streaming::HeaderBuffer;
    let model2 = Model2::new(client.clone(), "probe:").ok()?;
    let mut header = HeaderBuffer::new();
    let (parsed, _) = header.feed(b"not a header").ok()??;
    let _ = model2
        .opening_key("id", &parsed, DecryptPolicy::default())
        .await;
    Some(())
}

/// Polls a future whose host answers at once; `None` if it ever waits.
fn ready<F: std::future::Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => Some(output),
        std::task::Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    /// Natively too, every step runs and fails cleanly (no server answers, no random bytes).
    #[test]
    fn the_client_probe_runs_every_step() {
        assert_eq!(super::client(2), Some(2));
    }
}
