"""Show a matplotlib figure as a static image with alt text, so screen readers and exports keep it."""

from __future__ import annotations

import base64
import ctypes
import functools
import html
import io
from collections.abc import Callable

from matplotlib.figure import Figure


def figure_png(fig: Figure) -> bytes:
    """Return the figure rendered as PNG bytes; the figure must lay itself out (tight_layout or margins)."""
    buffer = io.BytesIO()
    # No bbox_inches="tight": it draws the whole figure twice. Each figure sets its own layout.
    fig.savefig(buffer, format="png", dpi=100)
    _close_if_pyplot(fig)
    _drop_pixel_buffer(fig)
    return buffer.getvalue()


def _close_if_pyplot(fig: Figure) -> None:
    """Close a figure made through pyplot, so the notebook does not show it a second time."""
    if fig.canvas.manager is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)


def figure_svg(fig: Figure) -> bytes:
    """Return the figure as SVG whose words stay text, the same bytes for the same figure."""
    import matplotlib

    buffer = io.BytesIO()
    # Text as <text>, not glyph outlines: about half the drawing time of a PNG and a third of the
    # bytes, sharp at any zoom, and the words can be selected. The browser draws it in DejaVu Sans
    # or, where that font is missing, the next of matplotlib's sans-serif fallbacks.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "backchannels"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    _close_if_pyplot(fig)
    _drop_pixel_buffer(fig)  # a tight_layout measured its text with a raster renderer
    return buffer.getvalue()


def _drop_pixel_buffer(fig: Figure) -> None:
    """Free the figure's pixel buffer now rather than at the next full garbage collection.

    Every text keeps the renderer it was drawn with, and with it the figure's pixel buffer
    (about 5 MB for a wide figure). Figures are full of reference cycles, so without this the
    buffers of figures already shown pile up in the kernel until Python's cyclic collector runs.
    ``None`` is the value a text starts with; a later draw sets it again.
    """
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text._renderer = None
    _return_freed_pages()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's ``malloc_trim``, or None where there is no glibc."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _return_freed_pages() -> None:
    """Ask glibc to hand freed memory back to the system (it keeps it otherwise); no-op elsewhere.

    Dask documents ``malloc_trim`` as the remedy for the same effect in its workers.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def figure_html(fig: Figure, alt: str, width: int | None = None) -> str:
    """Return an <img> tag holding the figure as SVG, with the given alt text (and display width)."""
    if not alt or not alt.strip():
        raise ValueError("A figure needs alt text that describes what it shows.")
    # An <img>, not inline SVG: the notebook keeps one self-contained output that exports, slides
    # and screen readers (through alt) all handle, and the figure cannot restyle the page.
    data = base64.b64encode(figure_svg(fig)).decode("ascii")
    size = f' width="{width}"' if width else ""
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}"{size} '
            'style="max-width:100%;height:auto">')


def show_figure(fig: Figure, alt: str) -> None:
    """Display the figure in a notebook as an image with alt text."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt)))
