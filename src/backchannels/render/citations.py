"""Citations as (Author Year) links and bibliography entries, rendered from ``data/references.bib``.

The bibliography uses biblatex entry types (``@online``, ``@report``) that pybtex's formatting
styles do not know, so entries are formatted here from their fields, whatever their type:
authors (or the organisation), year, title, where it appeared, and a link with the date it was
checked. Citation keys found in text (`` `key` `` in Markdown, bare keys in tables) become links to
the entry's anchor on the bibliography page; an unknown key is left as it is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from backchannels.references import Reference, cite, get_reference, load_references

BIBLIOGRAPHY_PAGE = "bibliography.html"
_TAG = re.compile(r"(<[^>]*>)")
_KEY_CHARS = r"A-Za-z0-9_:\-"
_TITLE_ITALIC = {"book", "report", "techreport", "phdthesis", "mastersthesis", "thesis", "manual"}


def anchor(key: str) -> str:
    """Return the HTML id of a reference on the bibliography page (``ref-`` + the key, made safe)."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_\-]", "-", key)


def cite_text(key: str, directory: Path | None = None) -> str:
    """Return the plain 'Author Year' text for a key (raises UnknownReferenceError if unknown)."""
    return cite(key, directory)


def cite_html(keys: str | Iterable[str], href: str = BIBLIOGRAPHY_PAGE, *, parens: bool = True,
              directory: Path | None = None) -> str:
    """Return '(Author Year; Other Year)' with each name-year a link to its bibliography entry."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    links = "; ".join(
        f'<a class="bc-cite" href="{escape(href, quote=True)}#{anchor(k)}">'
        f"{escape(cite(k, directory))}</a>" for k in keys)
    return f"({links})" if parens else links


def short_cite_html(key: str, directory: Path | None = None) -> str:
    """Return 'Author Year' for one key: a link to the reference's URL when it has one, the full entry as tooltip.

    An unknown key stays as written (escaped); the data tests name unknown keys.
    """
    try:
        ref = get_reference(key, directory)
    except KeyError:
        return escape(key)
    text, title = escape(cite(key, directory)), escape(entry_text(key, directory), quote=True)
    url = ref.get("url") or (f"https://doi.org/{ref.get('doi')}" if ref.get("doi") else "")
    if not url:
        return f'<span class="bc-cite" title="{title}">{text}</span>'
    return (f'<a class="bc-cite" href="{escape(url, quote=True)}" title="{title}" target="_blank" '
            f'rel="noopener">{text}</a>')


def cite_keys_html(keys: str | Iterable[str] | None, directory: Path | None = None, sep: str = "; ") -> str:
    """Return a cell of keys ('a;b', 'a; b' or a list) as short citations joined by ``sep`` (see short_cite_html)."""
    if keys is None:
        return ""
    if isinstance(keys, str):
        keys = keys.split(";")
    return sep.join(short_cite_html(k.strip(), directory) for k in keys if str(k).strip())


def _names(ref: Reference) -> str:
    """Return the authors as 'Last, I., Last, I. and Last, I.' (or the organisation)."""
    if not ref.authors:
        for name in ("organization", "institution", "publisher", "howpublished"):
            if ref.get(name):
                return ref.get(name)
        return "Anonymous"
    people = [f"{last}, {initials}" if initials else last for last, initials in ref.authors]
    if len(people) > 6:
        return ", ".join(people[:6]) + " et al."
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _year(ref: Reference) -> str:
    """Return the year of publication, or 'n.d.'."""
    return ref.get("year") or ref.get("date")[:4] or "n.d."


def _where(ref: Reference) -> str:
    """Return where the work appeared (journal with volume, book, publisher, site), as plain text."""
    journal = ref.get("journal") or ref.get("journaltitle")
    if journal:
        volume = ref.get("volume") + (f"({ref.get('number')})" if ref.get("number") else "")
        pages = f", pp. {ref.get('pages')}" if ref.get("pages") else ""
        return f"{journal} {volume}".strip() + pages
    parts = []
    if ref.get("booktitle"):
        parts.append(f"In {ref.get('booktitle')}")
    if ref.entry_type in {"report", "techreport"} and ref.get("type"):
        parts.append(ref.get("type"))
    for name in ("publisher", "institution", "organization", "howpublished"):
        value = ref.get(name)
        if value and value != _names(ref) and value not in parts:
            parts.append(value)
            break
    if ref.get("edition"):
        parts.append(f"{ref.get('edition')} ed.")
    return ", ".join(parts)


def _link(ref: Reference) -> str:
    """Return the entry's link (URL or DOI) with the date it was checked, as HTML."""
    url = ref.get("url") or (f"https://doi.org/{ref.get('doi')}" if ref.get("doi") else "")
    if not url:
        return ""
    checked = f" (checked {escape(ref.get('urldate'))})" if ref.get("urldate") else ""
    return f' <a class="bc-ref-link" href="{escape(url, quote=True)}">{escape(url)}</a>{checked}'


def entry_text(key: str, directory: Path | None = None) -> str:
    """Return one entry as plain text: 'Authors (Year). Title. Where. URL'."""
    ref = get_reference(key, directory)
    where = _where(ref)
    url = ref.get("url") or (f"https://doi.org/{ref.get('doi')}" if ref.get("doi") else "")
    return " ".join(part for part in (
        f"{_names(ref)} ({_year(ref)}).", f"{ref.get('title').rstrip('.')}.",
        f"{where}." if where else "", url) if part)


def entry_html(key: str, directory: Path | None = None) -> str:
    """Return one entry as HTML: authors, year, title (italic for books and reports), where, link."""
    ref = get_reference(key, directory)
    title = escape(ref.get("title").rstrip("."))
    title = f"<cite>{title}</cite>" if ref.entry_type in _TITLE_ITALIC else f"“{title}”"
    where = _where(ref)
    where_html = f" <span class='bc-ref-where'>{escape(where)}.</span>" if where else ""
    return (f"<span class='bc-ref-authors'>{escape(_names(ref))}</span> ({escape(_year(ref))}). "
            f"{title}.{where_html}{_link(ref)}")


def sort_keys(keys: Iterable[str], directory: Path | None = None) -> list[str]:
    """Return keys in bibliography order: by first author (or organisation), then year, then title."""
    def order(key: str) -> tuple[str, str, str]:
        """Sort by names, year, title."""
        ref = get_reference(key, directory)
        return (_names(ref).casefold(), _year(ref), ref.get("title").casefold())

    return sorted(dict.fromkeys(keys), key=order)


def bibliography_html(keys: Iterable[str] | None = None, directory: Path | None = None,
                      *, anchors: bool = True, notes: dict[str, str] | None = None) -> str:
    """Return an HTML list of entries (default: the whole bibliography), each with its anchor id.

    ``notes`` maps a key to HTML added after its entry (for example the lessons that cite it).
    """
    keys = list(load_references(directory)) if keys is None else list(keys)
    notes = notes or {}
    items = "".join(
        (f'<li id="{anchor(k)}" class="bc-ref">' if anchors else '<li class="bc-ref">')
        + f"{entry_html(k, directory)}{notes.get(k, '')}</li>" for k in sort_keys(keys, directory))
    return f'<ul class="bc-bibliography">{items}</ul>'


@functools.lru_cache(maxsize=8)
def _key_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    """Return a regex matching any of the keys as a whole token (longest first)."""
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![{_KEY_CHARS}./#=])(`?)({alternatives})\1(?![{_KEY_CHARS}])")


def _known(directory: Path | None) -> tuple[str, ...]:
    """Return every key of the bibliography as a tuple (hashable, for the cached pattern)."""
    return tuple(load_references(directory))


def cited_keys(text: str, directory: Path | None = None) -> list[str]:
    """Return the bibliography keys that appear in a text, in order of first appearance."""
    found = (m.group(2) for m in _key_pattern(_known(directory)).finditer(text))
    return list(dict.fromkeys(found))


def _replace_in_text(segment: str, pattern: re.Pattern[str], href: str, directory: Path | None) -> str:
    """Replace every key in a piece of text (no tags) by its citation link."""
    return pattern.sub(lambda m: cite_html(m.group(2), href, directory=directory), segment)


def link_citations(html_text: str, href: str = BIBLIOGRAPHY_PAGE, directory: Path | None = None) -> str:
    """Return HTML (or Markdown) where every known key outside tags, links and code is a citation link.

    Keys inside ``<code>`` (how Markdown shows `` `key` ``) are replaced together with the code
    element; keys inside an existing link or an attribute are left alone.
    """
    pattern = _key_pattern(_known(directory))
    keys = "|".join(re.escape(k) for k in sorted(_known(directory), key=len, reverse=True))
    code = re.compile(rf"<code[^>]*>\s*(?:<span[^>]*>)?({keys})(?:</span>)?\s*</code>")
    html_text = code.sub(lambda m: cite_html(m.group(1), href, directory=directory), html_text)
    out, depth = [], 0
    for piece in _TAG.split(html_text):
        if piece.startswith("<"):
            name = piece[1:].split(None, 1)[0].rstrip(">/").lower() if len(piece) > 2 else ""
            if name in {"a", "code", "pre", "script", "style"}:
                depth += 1
            elif name in {"/a", "/code", "/pre", "/script", "/style"}:
                depth = max(0, depth - 1)
            out.append(piece)
        else:
            out.append(piece if depth else _replace_in_text(piece, pattern, href, directory))
    return "".join(out)


@functools.lru_cache(maxsize=8)
def _author_year_index(keys: tuple[str, ...], directory: Path | None) -> dict[str, str]:
    """Return 'Author Year' -> key for the citation texts that belong to exactly one entry."""
    seen: dict[str, list[str]] = {}
    for key in keys:
        text = re.sub(r"\s+", " ", cite(key, directory))
        seen.setdefault(text, []).append(key)
    return {text: found[0] for text, found in seen.items() if len(found) == 1}


def link_author_year(markdown: str, href: str = BIBLIOGRAPHY_PAGE, directory: Path | None = None) -> str:
    """Return Markdown whose '(Author Year)' citations written in prose link to their entries.

    Only a name-year that belongs to exactly one entry is linked ('Wanis-St. John 2006'); an
    ambiguous or unknown one stays plain text. Parts separated by ';' are linked one by one.
    """
    index = _author_year_index(_known(directory), directory)

    def one(part: str) -> str:
        """Link one 'Author Year' part when it names exactly one entry."""
        core = re.sub(r"\s+", " ", part.strip()).replace(", ", " ", 1) if re.search(r",\s*\d{4}", part) \
            else re.sub(r"\s+", " ", part.strip())
        key = index.get(core)
        if key is None:
            return part
        lead = part[: len(part) - len(part.lstrip())]
        return (f'{lead}<a class="bc-cite" href="{escape(href, quote=True)}#{anchor(key)}">'
                f"{escape(part.strip())}</a>")

    def group(match: re.Match[str]) -> str:
        """Link the parts of one parenthesised citation group."""
        inner = match.group(1)
        linked = ";".join(one(p) for p in inner.split(";"))
        return f"({linked})" if linked != inner else match.group(0)

    return re.sub(r"\(([^()\[\]`<>]{3,200}?\b\d{4}[a-z]?)\)", group, markdown)
