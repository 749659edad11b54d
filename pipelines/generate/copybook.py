"""Fixed-width layouts described in ``conf/feeds/edh_*.yaml``, used both to write and to parse.

The mainframe extracts have no header; their meaning lives only in the layout, as with a COBOL
copybook. Keeping the layout as data means the generator, the tests and the bronze reader all use
the same positions, and a layout change is a reviewed edit to one YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError

FEEDS_DIR = CONF_DIR / "feeds"


@dataclass(frozen=True)
class Field:
    name: str
    start: int    # 1-based
    length: int
    type: str     # X text, 9 number, D date YYYYMMDD, T time HHMM, 9V99 implied decimals

    def render(self, value: object) -> str:
        if value is None or value == "":
            return " " * self.length if self.type in ("X", "D", "T") else "0" * self.length
        if self.type == "9":
            text = f"{int(value):0{self.length}d}"
        elif self.type == "9V99":
            text = f"{round(float(value) * 100):0{self.length}d}"
        else:
            text = str(value).ljust(self.length)
        return text[-self.length:] if self.type in ("9", "9V99") else text[: self.length]


@dataclass(frozen=True)
class Layout:
    record: str
    fields: tuple[Field, ...]

    @property
    def width(self) -> int:
        last = self.fields[-1]
        return last.start + last.length - 1

    def format(self, values: dict[str, object]) -> str:
        return "".join(f.render(values.get(f.name)) for f in self.fields)

    def parse(self, line: str) -> dict[str, str]:
        """Slice a line into stripped strings by position (no type conversion)."""
        return {f.name: line[f.start - 1 : f.start - 1 + f.length].strip() for f in self.fields}


@lru_cache(maxsize=16)
def load_layout(record: str) -> Layout:
    """Read ``conf/feeds/<record>.yaml`` and check the fields tile the line without gaps."""
    path = FEEDS_DIR / f"{record}.yaml"
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LakehouseError(f"layout {path} is missing", "restore it from git") from exc
    fields = tuple(Field(f["name"], int(f["start"]), int(f["length"]), str(f["type"]))
                   for f in spec["fields"])
    position = 1
    for f in fields:
        if f.start != position:
            raise LakehouseError(f"{path}: field {f.name} starts at {f.start}, expected {position}",
                                 "make the fields contiguous")
        position += f.length
    return Layout(spec["record"], fields)
