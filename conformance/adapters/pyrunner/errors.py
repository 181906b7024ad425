"""The three ways a step can go wrong, as the runner tells them apart."""

from __future__ import annotations

from typing import Optional

from .details import clip


class StepError(Exception):
    """The step cannot be run as written (a missing variable or argument, a malformed value):
    a fault of the scenario or the adapter, never an outcome of the API under test."""


class Unsupported(StepError):
    """Something the adapter's language cannot express (an action, an argument); such
    scenarios are listed, with the reason, in conformance/expected-failures.json."""

    def __init__(self, why: str) -> None:
        super().__init__(f"unsupported: {why}")


class ApiError(Exception):
    """An error reported by the API under test: the step's outcome, judged against an
    `{"error": KIND, "reason"?, "message_contains"?}` expectation. Each adapter turns its own
    errors (exceptions, a command's JSON error document) into these."""

    def __init__(self, kind: Optional[str], reason: Optional[str], message: str) -> None:
        super().__init__(message)
        self.kind = kind
        """The core's ErrorKind name (`Integrity`); None when the error carries none."""
        self.reason = reason
        """The KMIP Result Reason of a `Server` error (`ItemNotFound`), else None."""
        self.message = message

    def describe(self) -> str:
        """For a failure detail: `error Server (ItemNotFound): message`."""
        reason = f" ({self.reason})" if self.reason else ""
        return f"error {self.kind or '(no kind)'}{reason}: {clip(self.message, 300)}"
