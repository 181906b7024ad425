//! Streams a file through the envelope `Encryptor` (or, with `--decrypt`, the `Decryptor`) in
//! constant memory, with a fixed test key. For measuring peak memory on large inputs:
//!
//! ```text
//! cargo build --release -p kmipkit --example envelope_stream
//! /usr/bin/time -v target/release/examples/envelope_stream < plain > sealed
//! /usr/bin/time -v target/release/examples/envelope_stream --decrypt sealed plain.out
//! ```
//!
//! Usage: `envelope_stream [--decrypt] [INPUT [OUTPUT]]`; stdin and stdout when omitted.
//! The key is `[7; 32]` and the context `example`: never use this for real data.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;

use kmipkit::envelope::format::{Decryptor, Encryptor, Header, KeyRef, Params};

/// The fixed test key (never a real key).
const DEK: [u8; 32] = [7; 32];
const CONTEXT: &[u8] = b"example";
/// Read and write in 64 KiB pieces (one frame).
const CHUNK: usize = 64 * 1024;

fn main() -> ExitCode {
    let mut decrypt = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--decrypt" | "-d" => decrypt = true,
            "--help" | "-h" => {
                eprintln!("usage: envelope_stream [--decrypt] [INPUT [OUTPUT]]");
                return ExitCode::SUCCESS;
            }
            _ => paths.push(arg),
        }
    }
    if paths.len() > 2 {
        eprintln!("usage: envelope_stream [--decrypt] [INPUT [OUTPUT]]");
        return ExitCode::from(2);
    }
    match run(decrypt, paths.first(), paths.get(1)) {
        Ok(bytes) => {
            eprintln!(
                "{} {bytes} bytes of plaintext",
                if decrypt { "decrypted" } else { "encrypted" }
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("envelope_stream: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(decrypt: bool, input: Option<&String>, output: Option<&String>) -> io::Result<u64> {
    let input: Box<dyn Read> = match input {
        Some(path) if path != "-" => Box::new(File::open(path)?),
        _ => Box::new(io::stdin().lock()),
    };
    let output: Box<dyn Write> = match output {
        Some(path) if path != "-" => Box::new(File::create(path)?),
        _ => Box::new(io::stdout().lock()),
    };
    let mut input = BufReader::with_capacity(CHUNK, input);
    let mut output = BufWriter::with_capacity(CHUNK, output);
    let mut chunk = vec![0u8; CHUNK];
    let mut total = 0u64;
    if decrypt {
        let header = Header::read_from(&mut input)?;
        let mut decryptor = Decryptor::new(input, &header, &DEK, CONTEXT)
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
        loop {
            let n = decryptor.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            output.write_all(&chunk[..n])?;
            total += n as u64;
        }
        output.flush()?;
    } else {
        let params = Params::new(KeyRef {
            name: "example".into(),
            version: 1,
            uid: "example-1".into(),
        });
        let mut encryptor = Encryptor::new(output, &DEK, &params, CONTEXT)?;
        loop {
            let n = input.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            encryptor.write_all(&chunk[..n])?;
            total += n as u64;
        }
        encryptor.finish()?.flush()?;
    }
    Ok(total)
}
