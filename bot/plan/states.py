"""The reminder's states and the only moves allowed between them, as one table.

A reminder is one planned send (see bot/store/models.py). Its life:

    planned ──digest──▶ queued ──delivered──▶ sent
       │  ▲                │  ▲
       │  └──given back────┘  └──resend (a failed message sent again)
       ├──▶ expired   (past its validity, merged into a newer send, import after it)
       ├──▶ cancelled (no longer wanted: milestone, task or unit removed, lead time dropped)
       └──▶ done      (the unit marked the milestone done)

Every writer (replan, the digest, send outcomes, resend) changes a status through
`bot.plan.transitions.transition`, which refuses a move this table does not list and
records the reminder_events row, so "every state change is recorded and explainable" holds
by construction. The bulk success path of the dispatcher declares its one move with
`REMINDER.edge(QUEUED, SENT)`, checked here when the module loads.

Room for the units' answers (issue 14): 签收, 进展, 办结 with review and 延期 are states of a
unit's item (milestone × unit), not of one send. They become a second `Machine` over
milestone_units with its own table (open → acknowledged → in_progress → pending_review →
done | returned, and extension_requested → extended | refused), whose moves drive this one:
an approved 办结 moves the item's open reminders to `done`, an approved 延期 moves their
deadline (queued/sent → planned again), a return reopens them (done → planned). Adding a
state is a line in a table; the table test walks every machine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

# Reminder statuses.
PLANNED, QUEUED, SENT, CANCELLED, EXPIRED, DONE = "planned", "queued", "sent", "cancelled", "expired", "done"
OPEN_REMINDER = (PLANNED, QUEUED)
# Reminder kinds: a lead-time send, an overdue escalation, the extra send after a long holiday,
# and the reminder to 签收 an item still not acknowledged (lead_days = working days waited).
LEAD, OVERDUE, AFTER_HOLIDAY, UNACKNOWLEDGED = "lead", "overdue", "after_holiday", "ack"
# Message statuses (the outbox): pending → sending → sent | retry | failed | cancelled.
PENDING, SENDING, RETRY, FAILED = "pending", "sending", "retry", "failed"


class IllegalTransition(ValueError):
    """A writer asked for a move the table does not allow: a program defect, never bad input."""


@dataclass(frozen=True)
class Edge:
    """One allowed move and what it means (for readers and the docs; events carry their own reason)."""

    old: str
    new: str
    meaning: str


@dataclass(frozen=True)
class Machine:
    """States and the allowed moves between them: {old: {new: meaning}}."""

    name: str
    moves: Mapping[str, Mapping[str, str]]
    states: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        seen = dict.fromkeys([*self.moves, *(n for targets in self.moves.values() for n in targets)])
        object.__setattr__(self, "states", tuple(seen))
        object.__setattr__(self, "moves", MappingProxyType({k: MappingProxyType(dict(v))
                                                            for k, v in self.moves.items()}))

    def allows(self, old: str, new: str) -> bool:
        return new in self.moves.get(old, {})

    def edge(self, old: str, new: str) -> Edge:
        """The move old → new, or IllegalTransition."""
        if not self.allows(old, new):
            raise IllegalTransition(f"{self.name}: {old} → {new} is not an allowed transition")
        return Edge(old, new, self.moves[old][new])

    def edges(self) -> list[Edge]:
        return [Edge(old, new, meaning) for old, targets in self.moves.items() for new, meaning in targets.items()]


REMINDER = Machine("reminder", {
    PLANNED: {
        PLANNED: "rescheduled: the plan moved the send (calendar, catch-up)",
        QUEUED: "the digest put it into a message",
        SENT: "the same content already reached the recipient today",
        EXPIRED: "past its validity, merged into a newer send, or before the import",
        CANCELLED: "no longer wanted (removed, lead time dropped, unit no longer responsible)",
        DONE: "the unit marked the milestone done",
    },
    QUEUED: {
        SENT: "its message was delivered",
        PLANNED: "given back for another route (contact disabled), or its deadline moved",
        EXPIRED: "given back after its validity ended",
        CANCELLED: "no longer wanted while waiting in the outbox",
        DONE: "the unit marked the milestone done while it waited",
    },
    SENT: {
        PLANNED: "its deadline moved and the new send is still ahead",
    },
    EXPIRED: {
        PLANNED: "its deadline moved, or the plan wants it again",
        QUEUED: "the admin resent the failed message that carried it",
    },
    CANCELLED: {
        PLANNED: "wanted again (unit back among the responsible, milestone restored)",
    },
    DONE: {
        PLANNED: "the done mark was undone",
        EXPIRED: "the done mark was undone after the send's time",
    },
})
