"""What `ROCCallback` hands to others each epoch: `on_result`, and the
scores and results other keras_roc callbacks of the same fit listen to.

`AUCEarlyStopping` needs each validated epoch's scores before the captured
pass sorts them in place (`Predictions.prepare`), and `ThresholdCheckpoint`
each epoch's result. Both register with the fit's `ROCCallback` at
`on_train_begin` (`Listeners.add`) and leave at `on_train_end`; a listener
whose fit ended without `on_train_end` (an exception) is dropped the next
time the `ROCCallback` notifies, since its owner no longer runs
(`listening()` is False): nothing outlives the fit.

A listener implements:

- `listening()`: whether its fit is still running;
- `receive_scores(roc, data)`: a validation pass's `Predictions`, scores
  intact (fit's pass: called during the pass, before any `on_epoch_end`;
  own `validation_data`: at the `ROCCallback`'s `on_epoch_end`, or earlier
  through `send_scores`); the same `data` may come twice;
- `receive_result(roc, epoch, result)`: the epoch's `ROCResult`.
"""

from __future__ import annotations

#: The key in `ROCCallback._warned` that marks an `on_result` failure as
#: reported (reset with the other warnings at each run).
_ON_RESULT_FAILED = "on_result failed"


def check_on_result(on_result):
    """Returns `on_result` if it is None or callable."""
    if on_result is not None and not callable(on_result):
        raise TypeError(
            "`on_result` must be a callable taking (epoch, result), or None. "
            f"Received on_result={on_result!r} of type {type(on_result).__name__}."
        )
    return on_result


class Listeners:
    """The listeners of one `ROCCallback` (see the module docstring)."""

    def __init__(self):
        self._items = []

    def add(self, listener):
        if listener not in self._items:
            self._items.append(listener)

    def discard(self, listener):
        if listener in self._items:
            self._items.remove(listener)

    def _active(self):
        self._items = [item for item in self._items if item.listening()]
        return list(self._items)

    def scores(self, roc, data):
        for item in self._active():
            item.receive_scores(roc, data)

    def result(self, roc, epoch, result):
        for item in self._active():
            item.receive_result(roc, epoch, result)


def send_scores(roc, epoch):
    """Makes `roc` hand this epoch's scores to its listeners now, for a
    listener whose `on_epoch_end` runs before `roc`'s.

    Own `validation_data`: the epoch's shared prediction pass (made now if
    `roc` has not made it; `roc` then reuses it). fit's pass: its values are
    computed when the pass ends, before any `on_epoch_end`, except with a
    custom `test_step` that makes `roc` compute them at its own
    `on_epoch_end`: then now. Nothing when the epoch had no validation pass.
    """
    capture = roc._capture
    if capture is None:
        if roc._source is not None:
            roc._listeners.scores(roc, roc._predictions(epoch))
        return
    if capture.retired or capture.in_pass or capture.pass_index < 0 or roc._pass_index == capture.pass_index:
        return
    roc._result_for_pass()  # evaluates once; `_before_evaluation` hands the scores over


def call_on_result(roc, epoch, result):
    """Calls `roc.on_result(epoch, result)`; an exception there is reported
    once per fit as a warning and training goes on."""
    if roc.on_result is None:
        return
    try:
        roc.on_result(epoch, result)
    except Exception as error:  # noqa: BLE001 - a tracker's failure must not end training
        if _ON_RESULT_FAILED not in roc._warned:
            roc._warned.add(_ON_RESULT_FAILED)
            roc._warn_once(
                f"`on_result` raised {error!r} at epoch {epoch}; training goes on. Later "
                "errors of `on_result` in this fit are not reported. Catch exceptions in "
                "`on_result` to handle them yourself."
            )
