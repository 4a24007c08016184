"""Counters that add up over rounds (digest and dispatch reports)."""
from __future__ import annotations

from dataclasses import fields


class Tally:
    """Mixin for dataclasses of integer counters."""

    def add(self, other: "Tally") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
