"""Notification channels and the reminder message.

The three calls the rest of Duban makes:

    channel = channel_for(kind, target, **options)
        kind: "wecom" | "email" | "dingtalk" | "feishu" | "console" (see CHANNELS);
        target: what the admin pasted (robot webhook URL or key, email addresses);
        options: per kind, e.g. base_url, mentions, secret, timeout, limiter (wecom/
        dingtalk/feishu); host, port, mode, username, password_env, sender, ca_file
        (email). Raises ChannelConfigError (a DubanError, Chinese, names the field).
        `channel.describe()` is the only form to log or show: secrets masked.
        `channel_from_contact(kind, target, **options)` is the same for a stored contact
        whose target/secret/mentions hold ${ENV} references.

    result = channel.send(message) -> DeliveryResult
        Never raises for delivery problems: ok / permanent / retry_after (seconds) /
        detail (Chinese, no secrets) / errcode / parts_sent / refused (email).
        Robots send only through the `limiter` option (a RateLimiter: the database's
        budget, jobs.throttle, for real sends; NoLimit() in tests) and sleep when it says.

    message = render_digest(unit, items: list[ReminderItem], today, how_to_done=None, *, page=None, secrecy=False) -> Message
        A unit's digest: each item's `links` (签收/反馈进展/办结/申请延期) and `page`, the unit's page;
        the admin's copy passes how_to_done, e.g. "python -m bot done {milestone} --unit {unit}".

    problems = validate_contact(kind, {"target": …, "secret": …, "mentions": […]}) -> list[str]
        What the channel would refuse, in Chinese; the registry (bot.notify.registry)
        also lists the kinds (`contact_kinds()`) and each kind's fields, label and
        error codes (`CHANNELS[kind].fields / .label / .codes`).
"""
from bot.notify.base import Channel, ChannelConfigError, ChannelError, DeliveryResult, Message
from bot.notify.registry import CHANNELS, channel_for, channel_from_contact, contact_kinds, validate_contact
from bot.notify.render import ReminderItem, render_digest, render_test_message
from bot.notify.throttle import NoLimit, RateLimiter, limiter_key

__all__ = [
    "CHANNELS",
    "Channel",
    "ChannelConfigError",
    "ChannelError",
    "DeliveryResult",
    "Message",
    "NoLimit",
    "RateLimiter",
    "ReminderItem",
    "channel_for",
    "channel_from_contact",
    "contact_kinds",
    "limiter_key",
    "render_digest",
    "render_test_message",
    "validate_contact",
]
