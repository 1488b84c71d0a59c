"""Text normalisation shared by bank validation and answer checking."""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not split into a base letter plus an accent, so stripping accents
# alone would leave them; names from Nordic and Central European back channels use them.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "þ": "th",
        "Þ": "TH",
    }
)


def normalise_text(text: str) -> str:
    """Fold case, accents, punctuation, invisible characters and spacing for comparison."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    kept: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn" or category in ("Cf", "Cs", "Co", "Cn"):
            continue  # accents, zero-width and direction marks, lone surrogates
        if category.startswith("Z") or category == "Cc" or category == "Pd":
            kept.append(" ")  # dashes separate words: "track-two" == "track two"
        elif category.startswith("P"):
            continue  # "U.S." == "US", a trailing full stop does not matter
        else:
            kept.append(char)
    return " ".join("".join(kept).casefold().split())
