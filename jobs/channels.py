"""A ready channel for a stored contact: environment references expanded, robots throttled by the gate."""
from __future__ import annotations

from bot.config.contacts import redact
from bot.errors import DubanError
from bot.notify import Channel, channel_from_contact
from bot.notify.registry import robot_kinds, send_options
from bot.store.models import Contact

ROBOTS = robot_kinds()


def contact_channel(contact: Contact, **runtime) -> Channel:
    """Raises DubanError (ChannelConfigError, or a missing ${VAR}) when the contact cannot be used as is.

    `runtime` options (limiter, sleep, timeout …) go to the kinds that take them.
    """
    options = send_options(contact.kind, **runtime)
    if contact.secret:
        options["secret"] = contact.secret
    if contact.mentions:
        options["mentions"] = list(contact.mentions)
    return channel_from_contact(contact.kind, contact.target, **options)


def contact_problem(contact: Contact) -> str | None:
    """Why the contact cannot be used as stored here (an unset ${VAR}, a malformed key), or None."""
    try:
        contact_channel(contact)
    except DubanError as exc:
        return exc.message
    return None


def describe_contact(contact: Contact) -> str:
    """The masked form for logs and tables, even when the contact cannot be built."""
    try:
        return contact_channel(contact).describe()
    except DubanError:
        return f"{contact.kind}:{redact(contact.target)}"
