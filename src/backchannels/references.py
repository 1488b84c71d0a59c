"""The module's bibliography: read ``data/references.bib`` and format citations for lessons.

Lessons cite sources by their BibTeX key::

    from backchannels.references import cite, format_reference, further_reading
    cite("fearon1994domestic")              # 'Fearon 1994'
    format_reference("stedman1997spoiler")  # 'Stedman, S. J. (1997). Spoiler Problems in ...'
    further_reading(["fearon1994domestic", "stedman1997spoiler"])  # a Markdown list

An unknown key raises :class:`UnknownReferenceError`, a ``ValueError`` that is also a
``KeyError``, whose message names the key, the file and the closest known keys.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backchannels.paths import data_dir

BIB_FILE = "references.bib"


class UnknownReferenceError(KeyError, ValueError):
    """A citation key that is not in references.bib."""

    def __str__(self) -> str:
        """Show the message without the quotes KeyError adds."""
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Reference:
    """One BibTeX entry, reduced to what lessons display."""

    key: str
    entry_type: str
    fields: dict[str, str]
    authors: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (last, initials)

    def get(self, name: str, default: str = "") -> str:
        """Return a field's plain text, or ``default`` when it is missing."""
        return self.fields.get(name.lower(), default)


def bib_path(directory: Path | None = None) -> Path:
    """Return the path of references.bib in ``directory`` (default: the module's data folder)."""
    return Path(directory if directory is not None else data_dir()) / BIB_FILE


#: LaTeX accent commands and the Unicode combining marks they stand for.
_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b"}
#: LaTeX commands for letters that have no combining form.
_LETTERS = {"o": "\u00f8", "O": "\u00d8", "ss": "\u00df", "ae": "\u00e6", "AE": "\u00c6", "l": "\u0142",
            "L": "\u0141", "i": "\u0131", "&": "&", "%": "%", "_": "_", "$": "$"}
_SYMBOL_ACCENT = re.compile(r"\\(['`\"^~=.])\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
_LETTER_ACCENT = re.compile(r"\\([cvuH])(?:\s*\{\s*([A-Za-z])\s*\}|\s+([A-Za-z]))")
_LETTER_COMMAND = re.compile(r"\\(?:(ss|ae|AE|[oOlLi])(?![A-Za-z])\s?|([&%_$]))")
_STYLE_COMMAND = re.compile(r"\\(?:emph|textit|textbf|textsc|textup|mbox)\s*\{([^{}]*)\}")


def _latex_to_text(text: str) -> str:
    """Turn the LaTeX accents and style commands BibTeX titles use into plain Unicode text."""
    import unicodedata

    def accent(match: re.Match[str]) -> str:
        letter = match.group(2) or match.group(3)
        return unicodedata.normalize("NFC", letter + _ACCENTS[match.group(1)])

    for _ in range(3):  # style commands may nest
        text = _STYLE_COMMAND.sub(r"\1", text)
    text = _SYMBOL_ACCENT.sub(accent, text)
    text = _LETTER_ACCENT.sub(accent, text)
    return _LETTER_COMMAND.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], text)


def _plain(text: str) -> str:
    """Turn LaTeX accents into letters, strip BibTeX braces and turn ``--`` into an en dash."""
    text = _latex_to_text(text).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text.replace("---", "\u2014").replace("--", "\u2013")).strip()


def _field_text(name: str, value: str) -> str:
    """Return a field as plain text; addresses (url, doi) are kept exactly as written."""
    return value.strip() if name in {"url", "doi", "urldate"} else _plain(value)


def _person(person: object) -> tuple[str, str]:
    """Return (last name, initials) for a pybtex Person; organisations keep their full name."""
    last = _plain(" ".join(person.prelast_names + person.last_names))  # type: ignore[attr-defined]
    firsts = person.first_names + person.middle_names  # type: ignore[attr-defined]
    initials = " ".join(f"{_plain(n)[0]}." for n in firsts if _plain(n))
    return last, initials


def _entry_to_reference(key: str, entry: object) -> Reference:
    """Convert one pybtex entry into a Reference."""
    fields = {k.lower(): _field_text(k.lower(), str(v)) for k, v in entry.fields.items()}  # type: ignore[attr-defined]
    persons = entry.persons.get("author") or entry.persons.get("editor") or []  # type: ignore[attr-defined]
    return Reference(key, entry.type.lower(), fields, tuple(_person(p) for p in persons))  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=8)
def _parse_cached(path: str, mtime_ns: int, size: int) -> dict[str, Reference]:
    """Parse a .bib file once per (path, modification time, size)."""
    from pybtex.database import parse_file  # imported here: lessons that never cite skip the cost

    data = parse_file(path, bib_format="bibtex")
    return {key: _entry_to_reference(key, entry) for key, entry in data.entries.items()}


def load_references(directory: Path | None = None) -> dict[str, Reference]:
    """Return every entry of references.bib, keyed by citation key (cached until the file changes)."""
    path = bib_path(directory)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the bibliography is missing. Restore data/{BIB_FILE} from the repository."
        )
    stat = path.stat()
    return dict(_parse_cached(str(path), stat.st_mtime_ns, stat.st_size))


def get_reference(key: str, directory: Path | None = None) -> Reference:
    """Return one entry, or raise UnknownReferenceError naming the closest known keys."""
    refs = load_references(directory)
    if key in refs:
        return refs[key]
    close = difflib.get_close_matches(key, list(refs), n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownReferenceError(
        f"Unknown reference key {key!r}: it is not in {bib_path(directory)}.{hint} "
        "Add the entry to references.bib or correct the key."
    )


def _year(ref: Reference) -> str:
    """Return the publication year, or 'n.d.' when the entry has none."""
    year = ref.get("year") or ref.get("date")[:4]
    return year if year else "n.d."


def _organisation(ref: Reference) -> str:
    """Return a corporate author for entries without persons."""
    for name in ("organization", "institution", "publisher", "howpublished"):
        if ref.get(name):
            return ref.get(name)
    return "Anonymous"


def _surnames(ref: Reference) -> list[str]:
    """Return the authors' surnames (or the organisation)."""
    return [last for last, _ in ref.authors] or [_organisation(ref)]


def cite(key: str, directory: Path | None = None) -> str:
    """Return an author-year citation such as 'Fearon 1994' or 'Davidson and Montville 1981'."""
    ref = get_reference(key, directory)
    names = _surnames(ref)
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {_year(ref)}"


def _author_list(ref: Reference) -> str:
    """Return 'Last, I.' names joined for a reference line (et al. after three)."""
    if not ref.authors:
        return _organisation(ref)
    people = [f"{last}, {initials}" if initials else last for last, initials in ref.authors]
    if len(people) > 3:
        return f"{people[0]} et al."
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _container(ref: Reference) -> str:
    """Return where the work appeared: journal with volume/issue, book, or site."""
    if ref.get("journal") or ref.get("journaltitle"):
        journal = ref.get("journal") or ref.get("journaltitle")
        volume = ref.get("volume")
        issue = f"({ref.get('number')})" if ref.get("number") else ""
        pages = f", {ref.get('pages')}" if ref.get("pages") else ""
        return f"{journal} {volume}{issue}{pages}".strip()
    for name in ("booktitle", "publisher", "organization", "institution", "howpublished"):
        if ref.get(name):
            return ref.get(name)
    return ""


def format_reference(key: str, directory: Path | None = None) -> str:
    """Return one short line: 'Authors (year). Title. Where it appeared.'"""
    ref = get_reference(key, directory)
    title = ref.get("title").rstrip(".")
    container = _container(ref)
    where = f" {container}." if container and container != _author_list(ref) else ""
    return f"{_author_list(ref)} ({_year(ref)}). {title}.{where}"


def further_reading(keys: Iterable[str], directory: Path | None = None) -> str:
    """Return a Markdown bullet list of references, each linked to its URL when it has one."""
    lines = []
    for key in keys:
        ref = get_reference(key, directory)
        line = format_reference(key, directory)
        url = ref.get("url")
        lines.append(f"- {line} <{url}>" if url else f"- {line}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Lesson bibliographies: the closing cell of a lesson lists its sources formatted, never as raw keys
# ----------------------------------------------------------------------------------------------
BIB_START = "<!-- bibliography:start -->"
BIB_END = "<!-- bibliography:end -->"


def _reference_line(key: str, directory: Path | None = None) -> str:
    """Return one formatted bibliography line: authors (year). Title. Where published. Link."""
    ref = get_reference(key, directory)
    line = format_reference(key, directory)
    url = ref.get("url")
    return f"- {line} <{url}>" if url else f"- {line}"


def lesson_bibliography(reading: Iterable[str], sources: Iterable[str], directory: Path | None = None) -> str:
    """Return the Markdown of a lesson's further reading and of the other sources it cites."""
    reading = list(reading)
    others = sorted({k for k in sources if k not in reading},
                    key=lambda k: (cite(k, directory).lower(), k))
    parts = ["## Further reading", ""] + [_reference_line(k, directory) for k in reading]
    if others:
        parts += ["", "### Other sources cited in this lesson", ""]
        parts += [_reference_line(k, directory) for k in others]
    return "\n".join(parts)


def expected_closing(source: str, meta: dict, directory: Path | None = None) -> str:
    """Return a closing cell's text with the block between the bibliography markers regenerated."""
    if BIB_START not in source or BIB_END not in source:
        raise ValueError(f"the closing cell needs the markers {BIB_START} and {BIB_END}")
    bib = meta.get("bibliography", {})
    body = lesson_bibliography(bib.get("reading", []), bib.get("sources", []), directory)
    start, end = source.index(BIB_START) + len(BIB_START), source.index(BIB_END)
    return source[:start] + "\n" + body + "\n" + source[end:]
