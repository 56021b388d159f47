"""Why values are undefined: the notes of an `ROCResult`.

`evaluate` collects its notes in an `_EvaluationNotes` while it computes;
the public functions then issue them as one `UndefinedMetricWarning`.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

#: A note about several classes names at most this many of them: one note
#: per class made a 14,000-character warning for 141 absent classes.
_MAX_NAMED_CLASSES = 10

#: What the DeLong variance needs (weights count as frequencies).
_VARIANCE_NEEDS = "at least 2 positive and 2 negative samples"
_VARIANCE_NEEDS_WEIGHTED = _VARIANCE_NEEDS + " (with sample weights, a total weight above 1 of each)"


@dataclasses.dataclass(frozen=True)
class _ClassNote:
    """The texts of one reason concerning classes. Fields: `name` (quoted),
    `count`, `names` (quoted, capped) and `needs`."""

    one: str  # for one class
    several: str  # for several classes


#: Notes about classes, by reason.
_CLASS_NOTES = {
    "no positive": _ClassNote(
        "Class {name} has no positive samples, so its ROC AUC is undefined (NaN) and left out of the averages.",
        "{count} classes have no positive samples ({names}), so their ROC AUC"
        " is undefined (NaN) and they are left out of the averages.",
    ),
    "no negative": _ClassNote(
        "Class {name} has no negative samples, so its ROC AUC is undefined (NaN) and left out of the averages.",
        "{count} classes have no negative samples ({names}), so their ROC AUC"
        " is undefined (NaN) and they are left out of the averages.",
    ),
    "few samples": _ClassNote(
        "The DeLong interval of class {name} is undefined (NaN): its variance needs {needs}.",
        "The DeLong intervals of {count} classes ({names}) are undefined (NaN): their variance needs {needs}.",
    ),
    "zero variance": _ClassNote(
        "The DeLong interval of class {name} has zero width: its variance is 0"
        " (as when every score is tied), so the interval does not describe the"
        " uncertainty of the AUC.",
        "The DeLong intervals of {count} classes ({names}) have zero width:"
        " their variance is 0 (as when every score is tied), so the intervals"
        " do not describe the uncertainty of the AUCs.",
    ),
}
#: The reasons of `_CLASS_NOTES` that concern DeLong intervals only.
_INTERVAL_REASONS = ("few samples", "zero variance")


class _Entry(NamedTuple):
    """One note, in order: a message (`kind` "note") or the place of a
    reason's note about classes (`kind` "classes", `text` the reason)."""

    kind: str
    text: str


class _EvaluationNotes:
    """Collects the reasons some values are undefined, to warn once each.

    Reasons that concern classes (`add_class`) make one note per reason,
    which names at most `_MAX_NAMED_CLASSES` of them, in the place of the
    first class with that reason.
    """

    def __init__(self, weighted=False, intervals=True):
        self.weighted = weighted
        self.intervals = intervals  # whether notes about DeLong intervals are wanted
        self._entries = []  # _Entry, in order
        self._classes = {}  # reason -> names of the classes with it

    def add(self, message):
        entry = _Entry("note", message)
        if entry not in self._entries:
            self._entries.append(entry)

    def add_class(self, reason, name):
        """Records that class `name` has `reason`, a key of `_CLASS_NOTES`."""
        if reason in _INTERVAL_REASONS and not self.intervals:
            return
        if reason not in self._classes:
            self._classes[reason] = []
            self._entries.append(_Entry("classes", reason))
        self._classes[reason].append(name)

    @property
    def messages(self):
        needs = _VARIANCE_NEEDS_WEIGHTED if self.weighted else _VARIANCE_NEEDS
        return [
            _class_note(entry.text, self._classes[entry.text], needs) if entry.kind == "classes" else entry.text
            for entry in self._entries
        ]


def _class_note(reason, names, needs):
    """The note for the classes `names` that share `reason`."""
    note = _CLASS_NOTES[reason]
    if len(names) == 1:
        return note.one.format(name=repr(names[0]), needs=needs)
    shown = ", ".join(map(repr, names[:_MAX_NAMED_CLASSES]))
    if len(names) > _MAX_NAMED_CLASSES:
        shown += f" and {len(names) - _MAX_NAMED_CLASSES} more"
    return note.several.format(count=len(names), names=shown, needs=needs)
