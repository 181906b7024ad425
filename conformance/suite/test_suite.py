"""Tests of the suite's own judgement: what counts as passed, failed, expected or stale.

    python3 -m unittest discover -s conformance/suite -p 'test_*.py'
"""
from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path
from typing import Any, Optional

import plan
import report
import verdicts


def result(status: str) -> dict[str, Any]:
    return {"scenario": "s", "variant": "-", "status": status, "steps": 1, "step": 0, "action": "get", "detail": "d"}


class Verdicts(unittest.TestCase):
    def judge(self, entries: list[verdicts.Expected], r: Optional[dict[str, Any]]) -> str:
        return verdicts.verdict(entries, "cli", "ops/x", "1.4", r)[0]

    def test_plain(self) -> None:
        self.assertEqual(self.judge([], result("pass")), verdicts.PASS)
        self.assertEqual(self.judge([], result("fail")), verdicts.FAIL)
        self.assertEqual(self.judge([], None), verdicts.MISSING)

    def test_expected_failure_and_its_unexpected_pass(self) -> None:
        entry = verdicts.Expected("cli", "ops/*", "*", "the CLI has no such command")
        self.assertEqual(self.judge([entry], result("fail")), verdicts.XFAIL)
        self.assertTrue(entry.used)
        self.assertEqual(self.judge([entry], result("pass")), verdicts.XPASS)

    def test_entry_for_another_language_or_variant_does_not_apply(self) -> None:
        other = verdicts.Expected("python", "ops/*", "*", "r")
        version = verdicts.Expected("cli", "ops/*", "2.0", "r")
        self.assertEqual(self.judge([other, version], result("fail")), verdicts.FAIL)

    def test_totals_count_xpass_and_missing_as_failures(self) -> None:
        cells: dict[tuple[str, str, str], report.Cell] = {
            ("a", "s1", "-"): (verdicts.PASS, None, None),
            ("a", "s2", "-"): (verdicts.XFAIL, None, None),
            ("a", "s3", "-"): (verdicts.XPASS, None, None),
            ("a", "s4", "-"): (verdicts.MISSING, None, None),
            ("a", "s5", "-"): (verdicts.FAIL, None, None),
        }
        self.assertEqual(report.totals(cells), (1, 3, 1))

    def test_entries_apply_to_their_server(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "x.json"
            path.write_text(json.dumps({"expected_failures": [
                {"language": "*", "scenario": "ops/query", "server": "cosmian", "reason": "vendor"},
                {"language": "cli", "scenario": "codec/*", "reason": "no codec command"},
            ]}))
            self.assertEqual([e.scenario for e in verdicts.load(path, "pykmip")], ["codec/*"])
            self.assertEqual([e.scenario for e in verdicts.load(path, "cosmian")], ["ops/query", "codec/*"])

    def test_an_entry_needs_a_reason(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "x.json"
            path.write_text(json.dumps({"expected_failures": [{"language": "cli", "scenario": "s"}]}))
            with self.assertRaisesRegex(ValueError, "reason"):
                verdicts.load(path, "pykmip")


class Plan(unittest.TestCase):
    def write(self, d: str, scenarios: list[dict[str, Any]]) -> Path:
        (Path(d) / "a.json").write_text(json.dumps({"scenarios": scenarios}))
        return Path(d)

    def test_variants(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            found = plan.load(self.write(d, [
                {"name": "v", "versions": ["1.2", "2.0"], "steps": [{"do": "query"}]},
                {"name": "o", "phase": "open", "steps": [{"do": "read_file"}]},
                {"name": "m", "steps": [{"do": "query"}]},
            ]), ["rust", "python"], [])
            self.assertEqual([(s.name, s.variants) for s in found],
                             [("v", ("1.2", "2.0")), ("o", ("rust", "python")), ("m", ("-",))])

    def test_refuses_duplicates_unknown_phases_and_empty_scenarios(self) -> None:
        cases: list[tuple[list[dict[str, Any]], str]] = [
            ([{"name": "d", "steps": [{}]}, {"name": "d", "steps": [{}]}], "twice"),
            ([{"name": "p", "phase": "later", "steps": [{}]}], "phase"),
            ([{"name": "e", "steps": []}], "no steps"),
        ]
        for bad, message in cases:
            with tempfile.TemporaryDirectory() as d, self.assertRaisesRegex(ValueError, message):
                plan.load(self.write(d, bad), ["rust"], [])

    def test_the_checked_in_scenarios_load(self) -> None:
        found = plan.load(Path(__file__).resolve().parent.parent / "scenarios", ["rust"], [])
        self.assertGreater(len(found), 30)


if __name__ == "__main__":
    unittest.main()
