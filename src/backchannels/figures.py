"""Show a matplotlib figure as a static PNG with alt text, so screen readers and exports keep it."""

from __future__ import annotations

import base64
import html
import io

from matplotlib.figure import Figure


def figure_png(fig: Figure) -> bytes:
    """Return the figure rendered as PNG bytes (figures are built without pyplot, so nothing to close)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def figure_html(fig: Figure, alt: str) -> str:
    """Return an <img> tag holding the figure as PNG, with the given alt text."""
    if not alt or not alt.strip():
        raise ValueError("A figure needs alt text that describes what it shows.")
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')


def show_figure(fig: Figure, alt: str) -> None:
    """Display the figure in a notebook as an image with alt text."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt)))
