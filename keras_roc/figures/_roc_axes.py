"""What every ROC chart has: the unit square, the chance diagonal, the legend.

Shared by `plot_roc`, `plot_roc_comparison` and `plot_cv_roc`.
"""

from __future__ import annotations

#: Legends with more entries than this go outside the axes (right side), so
#: they never hide the curves; the lower-right corner of an ROC chart (bad
#: classifiers only) holds this many lines in a small font.
LEGEND_INSIDE_MAX_ENTRIES = 8
#: Outside legends with more entries than this use an extra-small font.
LEGEND_SMALL_FONT_MAX_ENTRIES = 16

#: Width (inches) of a new one-panel ROC figure: wider when the legend goes
#: outside the axes (more than LEGEND_INSIDE_MAX_ENTRIES entries).
_WIDTH_LEGEND_INSIDE = 6.2
_WIDTH_LEGEND_OUTSIDE = 8.6
#: Height (inches) of a new ROC figure, with or without a zoom panel.
_HEIGHT = 5.6

_MINUS = "\u2212"
_X_LABEL = f"False positive rate (1 {_MINUS} specificity)"
_Y_LABEL = "True positive rate (sensitivity)"
_CHANCE_STYLE = dict(color="0.55", linestyle=(0, (4, 4)), linewidth=1.0)


def _roc_width(legend_entries):
    """Width of a new one-panel ROC figure whose legend has this many entries."""
    if legend_entries > LEGEND_INSIDE_MAX_ENTRIES:
        return _WIDTH_LEGEND_OUTSIDE
    return _WIDTH_LEGEND_INSIDE


def _chance(ax):
    ax.plot([0, 1], [0, 1], label="chance (AUC = 0.5)", gid="chance", **_CHANCE_STYLE)


def _square_roc_axes(ax):
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_aspect("equal")
    ax.set_xlabel(_X_LABEL)
    ax.set_ylabel(_Y_LABEL)
    ax.grid(True, alpha=0.3)


def _roc_legend(ax, *, outside_of=None, title=None):
    """The legend of the curves on `ax`, chance diagonal last.

    Short legends sit in the lower-right corner of `ax` (empty on any useful
    ROC chart). Long ones go outside, right of `outside_of` (default `ax`),
    in a smaller font; constrained layout makes room for them.
    """
    handles, labels = ax.get_legend_handles_labels()
    chance = [i for i, h in enumerate(handles) if h.get_gid() == "chance"]
    order = [i for i in range(len(handles)) if i not in chance] + chance
    handles, labels = [handles[i] for i in order], [labels[i] for i in order]
    n = len(handles)
    if n <= LEGEND_INSIDE_MAX_ENTRIES:
        return ax.legend(
            handles, labels, loc="lower right", fontsize="small", title=title, title_fontsize="small", framealpha=0.9
        )
    fontsize = "small" if n <= LEGEND_SMALL_FONT_MAX_ENTRIES else "x-small"
    return (outside_of or ax).legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.03, 1.0),
        borderaxespad=0.0,
        fontsize=fontsize,
        title=title,
        title_fontsize=fontsize,
    )
