"""A step's arguments as an action reads them, with the defaults of the action tables."""

from __future__ import annotations

from typing import Callable, List, Mapping, Optional

from .details import clip
from .errors import StepError
from .values import JSON, Context, integer, to_bytes, to_context


class Args:
    """The arguments of one step (templates, variables and `repeat` texts already replaced),
    and what else the runner knows of the step: its client's configuration file, and whether a
    field of its result will be looked at."""

    def __init__(self, action: str, values: Mapping[str, JSON], client: str, config: str,
                 result_used: Callable[[str], bool]) -> None:
        self.action = action
        self.values = values
        self.client = client
        """The step's `client` name (`default`, `pair`…)."""
        self.config = config
        """The kmipkit.toml of that client, pinned to the variant's KMIP version if any."""
        self._result_used = result_used

    def result_used(self, field: str) -> bool:
        """Whether the step's expectation, or a later step through the saved variable, reads
        `field` of this step's result: an adapter that must opt in to reveal a secret (the
        CLI's `key get --reveal`) does so only then."""
        return self._result_used(field)

    def has(self, name: str) -> bool:
        """Present and not null (a null argument is an absent one)."""
        return self.values.get(name) is not None

    def get(self, name: str, default: JSON = None) -> JSON:
        value = self.values.get(name)
        return default if value is None else value

    def need(self, name: str) -> JSON:
        if not self.has(name):
            raise StepError(f"{self.action}: missing argument {name!r}")
        return self.values[name]

    def text(self, name: str, default: Optional[str] = None) -> str:
        value = self.get(name, default)
        if value is None:
            raise StepError(f"{self.action}: missing argument {name!r}")
        if isinstance(value, (dict, list)):
            raise StepError(f"{self.action}: argument {name!r} is not text: {clip(value)}")
        return str(value)

    def opt_text(self, name: str) -> Optional[str]:
        return self.text(name) if self.has(name) else None

    def texts(self, name: str, default: Optional[List[str]] = None) -> List[str]:
        """A list of texts (names, ids, versions)."""
        value = self.get(name, default)
        if not isinstance(value, list):
            raise StepError(f"{self.action}: argument {name!r} is not a list: {clip(value)}")
        return [str(v) for v in value]

    def integer(self, name: str, default: Optional[int] = None) -> int:
        value = self.get(name, default)
        if value is None:
            raise StepError(f"{self.action}: missing argument {name!r}")
        return integer(value, f"{self.action}: argument {name!r}")

    def opt_int(self, name: str) -> Optional[int]:
        return self.integer(name) if self.has(name) else None

    def data(self, name: str) -> bytes:
        """A *bytes* argument."""
        return to_bytes(self.need(name))

    def opt_data(self, name: str) -> Optional[bytes]:
        return self.data(name) if self.has(name) else None

    def context(self) -> Context:
        return to_context(self.values.get("context"))

    def flag(self, name: str) -> bool:
        """A boolean option (`stream`, `cache`): absent is false."""
        return bool(self.get(name, False))
