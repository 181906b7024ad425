//! Chained log lines for the verifier tests.

use kmipkit::observe::verify::{FindingKind, VerifyReport};
use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin, Outcome};

/// `count` chained lines of successful Gets in `format`, continuing `chain`.
pub fn lines(format: Format, chain: &mut Chain, count: u64) -> Vec<String> {
    (0..count)
        .map(|i| {
            let event = Event::operation("Get", 1_700_000_000_000 + i)
                .key(&format!("key-{i}"), &format!("uid-{i}"))
                .finished(Outcome::Success, None, i);
            chain.append(format, &Origin::new("host", 7), Level::Basic, &event)
        })
        .collect()
}

/// A fresh ten-line log and the chain state saved after it.
pub fn log(format: Format) -> (Vec<String>, ChainState) {
    let mut chain = Chain::new(ChainState::default());
    let lines = lines(format, &mut chain, 10);
    (lines, *chain.state())
}

/// The kind and serial of every finding, in order.
pub fn kinds(report: &VerifyReport) -> Vec<(FindingKind, Option<u64>)> {
    report.findings.iter().map(|f| (f.kind, f.serial)).collect()
}
