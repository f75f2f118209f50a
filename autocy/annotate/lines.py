"""Generated source lines, each tied to the line of the user's code it stands for."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Lines:
    """Generated lines (``text``, without newlines) and, per line, the user's line (``origin``,
    1-based) it stands for, so the compile stage can point tracebacks at the user's ``.py``."""

    text: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)

    def add(self, indent: int, code: str, line: int) -> None:
        """Append ``code`` indented by ``indent`` levels (4 spaces each)."""
        self.text.append("    " * indent + code)
        self.origin.append(line)

    def extend(self, other: Lines) -> None:
        """Append all of ``other``."""
        self.text += other.text
        self.origin += other.origin

    def indented(self, levels: int) -> Lines:
        """A copy with every line indented ``levels`` more levels (4 spaces each)."""
        return Lines(["    " * levels + text for text in self.text], list(self.origin))


def membership(names: str, values: list[int]) -> str:
    """A C-friendly test that ``names`` equals one of ``values`` (``False`` when there are none)."""
    if not values:
        return "False"
    return "(" + " or ".join(f"{names} == {v}" for v in sorted(values)) + ")"
