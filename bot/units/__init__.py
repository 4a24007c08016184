"""Responsible units: the directory of names, and reading units cells against it."""
from bot.units.assign import assign_units, unit_flags
from bot.units.cell import REPAIRED, UNKNOWN, CellReading, Resolution, read_units_cell
from bot.units.directory import (
    ALIAS, CANONICAL, GROUP, Directory, Entry, load_directory, parse_directory, reading_directory,
)

__all__ = [
    "ALIAS", "CANONICAL", "GROUP", "REPAIRED", "UNKNOWN",
    "CellReading", "Directory", "Entry", "Resolution",
    "assign_units", "load_directory", "parse_directory", "reading_directory", "read_units_cell", "unit_flags",
]
