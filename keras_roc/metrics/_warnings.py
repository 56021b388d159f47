"""`UndefinedMetricWarning`, how keras_roc issues it, and renamed names.

The stacklevel convention: only public functions warn, from their own body,
through `warn_undefined`; helpers never warn, they return their notes. The
warning then points at the line that called the public function (the
frames are `warn_undefined`'s, the public function's and its caller's,
hence `stacklevel=3`), whatever helpers computed the notes.
"""

from __future__ import annotations

import warnings

#: `warn_undefined` -> the public function -> the caller it points at.
_CALLER_OF_PUBLIC_FUNCTION = 3
#: `renamed_attribute` -> the module's `__getattr__` -> the code that asked.
_CALLER_OF_MODULE_GETATTR = 3


class UndefinedMetricWarning(UserWarning):
    """Some values keras_roc computed are undefined (NaN), or say nothing.

    Issued by `evaluate`, `roc_curve` and the figure functions, once per
    call, with every reason in one message: a class without positive or
    negative samples, NaN or infinite scores, zero sample weights, folds
    with an undefined AUC, or DeLong intervals that are NaN or of zero
    width. The same texts are in `ROCResult.notes`.

    It subclasses `UserWarning`, so filters and `pytest.warns(UserWarning)`
    written before it existed still apply. Silence it with e.g.
    `warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)`.
    """


def warn_undefined(notes, *, prefix=""):
    """Issues `notes` (strings) as one `UndefinedMetricWarning`; none if empty.

    Call it only from the body of a public function: the warning points at
    that function's caller.

    Args:
        notes: The reasons, joined with spaces.
        prefix: Text put before them, e.g. `"scores['model A']: "`.
            Defaults to `""`.
    """
    if notes:
        warnings.warn(prefix + " ".join(notes), UndefinedMetricWarning, stacklevel=_CALLER_OF_PUBLIC_FUNCTION)


def renamed_attribute(module_name, namespace, renamed, name):
    """For a module's `__getattr__`: the value of a renamed attribute, with a
    `DeprecationWarning` naming the new name.

    Args:
        module_name: The module's `__name__`.
        namespace: The module's `globals()`, holding the new names.
        renamed: Old name to new name.
        name: The attribute asked for.

    Raises:
        AttributeError: `name` is not an old name.
    """
    if name not in renamed:
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    new = renamed[name]
    warnings.warn(
        f"`{module_name}.{name}` is deprecated; use `{module_name}.{new}`, the same "
        "class (public acronyms are upper case, as in Keras).",
        DeprecationWarning,
        stacklevel=_CALLER_OF_MODULE_GETATTR,
    )
    return namespace[new]
