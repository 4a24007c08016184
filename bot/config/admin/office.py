"""An office's config folder read whole, for the commands that write the store from it.

Every file must be there: a folder that is missing, mistyped or lacks contacts.yaml must
never be taken for "no contacts, default settings" and wipe what the store holds. Contact
entries are keyed by the directory's standard names (an alias in contacts.yaml is fine).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.config.admin.units import canonical_name, contacts_owner
from bot.config.contacts import ContactSpec, contact_line, load_contacts
from bot.config.paths import CONTACTS, SETTINGS, require_file
from bot.config.settings import Settings, load_settings
from bot.config.yamlfile import YDict, load_yaml
from bot.errors import DubanError
from bot.units.directory import Directory, load_directory


@dataclass(frozen=True)
class Office:
    folder: Path
    settings: Settings
    directory: Directory
    contacts: dict[str, tuple[ContactSpec, ...]]  # standard unit name → its contacts


def load_office(folder: Path, units_path: Path) -> Office:
    """The folder's files (`units_path` is its units.yaml, or $DUBAN_UNITS), all validated."""
    settings_path = require_file(folder, SETTINGS)
    path = require_file(folder, CONTACTS)
    directory = load_directory(units_path)
    settings = _lead_units(load_settings(settings_path), settings_path, directory)
    contacts: dict[str, tuple[ContactSpec, ...]] = {}
    written: dict[str, str] = {}
    for name, specs in load_contacts(path).items():
        where = contact_line(path, name)
        try:
            unit = contacts_owner(directory, name, settings.admin_name)
        except DubanError as exc:
            raise where.error(exc.message) from None
        if unit in written:
            raise where.error(f"与「{written[unit]}」是同一个单位（{unit}），请合并为一项。")
        written[unit] = name
        contacts[unit] = specs
    return Office(folder, settings, directory, contacts)


def _lead_units(settings: Settings, path: Path, directory: Directory) -> Settings:
    """lead_times.by_unit keyed by standard names (an alias is fine); an unknown name names its line."""
    if not settings.lead_times.by_unit:
        return settings
    data, where = load_yaml(path)
    lead = data.get("lead_times") or YDict()
    at = where.child(data, "lead_times").child(lead, "by_unit")
    by_unit = {}
    for name, days in settings.lead_times.by_unit.items():
        try:
            by_unit[canonical_name(directory, name, settings.admin_name)] = days
        except DubanError as exc:
            raise at.child(lead.get("by_unit") or YDict(), name).error(exc.message) from None
    return replace(settings, lead_times=replace(settings.lead_times, by_unit=by_unit))
