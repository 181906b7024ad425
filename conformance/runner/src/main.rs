//! `kmipkit-conformance xml DIR...`: checks every OASIS KMIP XML test case under each directory
//! (or named file) and ends with `N passed, N failed`.

use std::path::PathBuf;
use std::process::ExitCode;

use kmipkit_conformance::{check_file, xml_files};

const USAGE: &str = "usage: kmipkit-conformance xml DIR_OR_FILE...

Reads every OASIS KMIP XML test-case file (*.xml) under each directory and checks that each
message reads into kmipkit's typed model and re-encodes identically as XML, TTLV and JSON.
Prints one line per file and a last line `N passed, N failed`; exits 1 if any file failed.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some("xml"), paths) = (args.first().map(String::as_str), &args[1.min(args.len())..])
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if paths.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for p in paths.iter().map(PathBuf::from) {
        if p.is_file() {
            files.push(p);
            continue;
        }
        match xml_files(&p) {
            Ok(found) if found.is_empty() => {
                eprintln!("error: no .xml files under {}", p.display());
                return ExitCode::from(2);
            }
            Ok(found) => files.extend(found),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", p.display());
                return ExitCode::from(2);
            }
        }
    }
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        let report = check_file(file);
        match &report.failure {
            None => {
                passed += 1;
                println!("pass {} ({} messages)", file.display(), report.messages);
            }
            Some(why) => {
                failed += 1;
                println!("FAIL {}: {why}", file.display());
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
