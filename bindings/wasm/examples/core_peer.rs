//! The native Rust core on the other side of the WebAssembly package's cross tests
//! (wasm/test/cross.test.mjs): what the core seals the package must open and back, and a real
//! log chain the core writes the package must verify. The CLI cannot be that peer for the
//! envelope: its `encrypt`/`decrypt` take keys only from a key manager, never a caller's key.
//!
//! ```text
//! core_peer seal KEY_HEX CONTEXT_HEX NAME VERSION UID FRAME_SIZE  < plaintext  > ciphertext
//! core_peer open KEY_HEX CONTEXT_HEX                             < ciphertext > plaintext
//! core_peer log FORMAT LINES STATE_FILE                          > log text
//! core_peer codec json|xml|dump                                  < TTLV       > text
//! core_peer protected-dek NAME VERSION UID                       > protected-DEK blob
//! ```
//!
//! The CLI has no codec command either: `codec` gives the native core's encodings of a TTLV
//! message, which the package's (the same code built for wasm32) must equal.

use std::io::{Read, Write};
use std::process::ExitCode;

use kmipkit::envelope::format::{KeyRef, Params, open, seal};
use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin, Outcome};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("core_peer: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let arg = |i: usize| args.get(i).map(String::as_str).ok_or("missing argument");
    match arg(0)? {
        "seal" => {
            let mut params = Params::new(KeyRef {
                name: arg(3)?.into(),
                version: arg(4)?.parse().map_err(|_| "VERSION must be a number")?,
                uid: arg(5)?.into(),
            });
            params.frame_size = arg(6)?.parse().map_err(|_| "FRAME_SIZE must be a number")?;
            let sealed = seal(&key(arg(1)?)?, &params, &hex(arg(2)?)?, &stdin()?)
                .map_err(|e| e.to_string())?;
            std::io::stdout()
                .write_all(&sealed)
                .map_err(|e| e.to_string())
        }
        "open" => {
            let opened =
                open(&stdin()?, &key(arg(1)?)?, &hex(arg(2)?)?).map_err(|e| e.to_string())?;
            std::io::stdout()
                .write_all(&opened)
                .map_err(|e| e.to_string())
        }
        "log" => {
            let format = match arg(1)? {
                "rfc3164" => Format::Rfc3164,
                "rfc5424" => Format::Rfc5424,
                "cef" => Format::Cef,
                "leef" => Format::Leef,
                "json" => Format::Json,
                other => return Err(format!("unknown format {other}")),
            };
            let lines: u64 = arg(2)?.parse().map_err(|_| "LINES must be a number")?;
            let mut chain = Chain::new(ChainState::default());
            let origin = Origin::new("app01", 4242);
            let mut out = String::new();
            for i in 0..lines {
                let event = Event::operation(
                    if i % 2 == 0 { "Get" } else { "Encrypt" },
                    1_700_000_000_000 + i * 1000,
                )
                .key("orders-kek", "7f3a")
                .finished(Outcome::Success, None, 3);
                out.push_str(&chain.append(format, &origin, Level::Basic, &event));
                out.push('\n');
            }
            chain
                .state()
                .save(std::path::Path::new(arg(3)?))
                .map_err(|e| e.to_string())?;
            std::io::stdout()
                .write_all(out.as_bytes())
                .map_err(|e| e.to_string())
        }
        "codec" => {
            use kmipkit::ttlv::{Item, Limits, Placeholders, dump, json, xml};
            let data = stdin()?;
            let item = Item::from_bytes(&data, &Limits::default()).map_err(|e| e.to_string())?;
            let none = Placeholders::default();
            let text = match arg(1)? {
                "json" => json::to_string(&item, &none),
                "xml" => xml::to_string(&item, &none),
                "dump" => dump::to_string(&item),
                other => return Err(format!("unknown encoding {other}")),
            };
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| e.to_string())
        }
        "protected-dek" => {
            // The shape Model 1 writes (KMIP Encrypt, AES-GCM: 12-byte IV, 16-byte tag), with
            // stand-in bytes: the package only reads it.
            use kmipkit::envelope::model1::{ProtectedDek, ProtectionMethod};
            let blob = ProtectedDek {
                kek: KeyRef {
                    name: arg(1)?.into(),
                    version: arg(2)?.parse().map_err(|_| "VERSION must be a number")?,
                    uid: arg(3)?.into(),
                },
                method: ProtectionMethod::KmipEncryptAesGcm,
                iv: vec![1; 12],
                tag: vec![2; 16],
                encrypted_dek: vec![3; 32],
            }
            .to_bytes()
            .map_err(|e| e.to_string())?;
            std::io::stdout()
                .write_all(&blob)
                .map_err(|e| e.to_string())
        }
        other => Err(format!("unknown command {other}")),
    }
}

fn stdin() -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    std::io::stdin()
        .read_to_end(&mut data)
        .map_err(|e| e.to_string())?;
    Ok(data)
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) {
        return Err("odd hex length".into());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| "bad hex".to_string()))
        .collect()
}

fn key(text: &str) -> Result<[u8; 32], String> {
    <[u8; 32]>::try_from(hex(text)?.as_slice()).map_err(|_| "the key must be 32 bytes".into())
}
