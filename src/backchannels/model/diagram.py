"""The secrecy model as a picture: a decision tree a student can read before any algebra."""

from __future__ import annotations

from matplotlib.figure import Figure

from backchannels.figures import show_figure

ALT_TEXT = (
    "Decision tree. The leader chooses between public talks and a secret channel. Public talks: spoilers "
    "and the audience can see them; they end in a deal (worth V) or a public failure (costing the audience "
    "cost A). Secret channel: if it stays secret, only the deal or a quiet failure follows, with no audience "
    "cost and no spoilers; if it leaks (chance l), the talks become public talks and the leader also pays "
    "the cost of exposure B."
)


def _box(ax, x: float, y: float, text: str, colour: str) -> None:
    """Draw one labelled box of the tree."""
    ax.text(x, y, text, ha="center", va="center", fontsize=9.5, wrap=True,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": "0.35"})


def _arrow(ax, start: tuple[float, float], end: tuple[float, float], label: str = "") -> None:
    """Draw an arrow between two boxes, with an optional label halfway."""
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 1.2})
    if label:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.025, label, ha="center",
                fontsize=8.5, color="0.25", style="italic")


def model_diagram() -> Figure:
    """Return the teaching model drawn as a decision tree (no numbers, no formulas)."""
    fig = Figure(figsize=(9.0, 4.6))
    ax = fig.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    public, secret, light = "#d1e5f0", "#fddbc7", "#f7f7f7"
    _box(ax, 0.09, 0.5, "Leader\nchooses", light)
    _box(ax, 0.36, 0.8, "Public talks\n(spoilers and the\naudience watch)", public)
    _box(ax, 0.36, 0.22, "Secret channel", secret)
    _arrow(ax, (0.15, 0.55), (0.28, 0.77))
    _arrow(ax, (0.15, 0.45), (0.29, 0.25))
    _box(ax, 0.82, 0.92, "Deal: gain V\n(less likely: spoilers strike)", public)
    _box(ax, 0.82, 0.70, "Public failure:\npay audience cost A", public)
    _arrow(ax, (0.45, 0.82), (0.67, 0.91))
    _arrow(ax, (0.45, 0.78), (0.68, 0.71))
    _box(ax, 0.62, 0.36, "Stays secret\n(chance 1 − ℓ)", secret)
    _box(ax, 0.62, 0.08, "Leaks\n(chance ℓ)", secret)
    _arrow(ax, (0.42, 0.25), (0.54, 0.34))
    _arrow(ax, (0.42, 0.19), (0.56, 0.10))
    _box(ax, 0.88, 0.44, "Deal: gain V\n(spoilers can't see it)", secret)
    _box(ax, 0.88, 0.26, "Quiet failure:\nno audience cost", secret)
    _arrow(ax, (0.70, 0.38), (0.79, 0.43))
    _arrow(ax, (0.70, 0.34), (0.79, 0.28))
    _box(ax, 0.88, 0.08, "Talks go public\n+ cost of exposure B", public)
    _arrow(ax, (0.68, 0.08), (0.78, 0.08))
    ax.set_title("The teaching model in one picture: what can happen after each choice", fontsize=11)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.92, bottom=0.02)
    return fig


def show_model_diagram() -> None:
    """Display the decision-tree picture of the model with its alt text."""
    show_figure(model_diagram(), ALT_TEXT)
