"""Cheap facts about one block's text: word count, closing punctuation, headline shape."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from .._model import Block

_CLOSERS = "\"'”’»)]›*"
_MARKS = frozenset(":'\"‘’“”«»")
_TERMINAL = (".", "!", "?", "…", "。", "！", "？")
# Short words that title case leaves in lower case (English, and the commonest of de/fr/es/it/pt).
_MINOR = frozenset(
    """a an the and or but nor of to in on at by for from with as into onto over via vs vs. per
    is are was were be been its it's his her their our your my up out off than that this these
    those after before about amid upon under against without within between says said if so
    who what why how when where not no de la le les des du et el los las y del da do das dos
    e o em na no com um una uno di il lo gli che per und der die das den dem mit von zu im
    am an auf aus bei bis nach vom zum zur ein eine einer einem einen ist sind wird wie was
    au aux en sur par pour avec dans une un est sont qui que ne pas
    al con en por para sin sobre un una es son que se su sus
    ai al alla alle dal dei delle della nel nella sul sulla con tra fra un una è
    ao aos às com em no na nos nas num numa pelo pela um uma é são""".split()
)


_T = TypeVar("_T")


class _once(Generic[_T]):
    """``functools.cached_property`` without the lock Python 3.11 takes on every first access
    (a shape belongs to one thread; the engine reads a few of these for every block)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _once[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _once[_T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


class Shape:
    """What :func:`shape` finds out about a block's text; the rest is computed on first use.

    The class has no ``__init__``: :func:`shape` stores the fields itself, which saves a Python
    call for every block of every document (a dataclass ``__init__`` was about a tenth of the
    cost of a shape, and shapes a quarter of cleaning a text). The fields are slots; the
    ``_once`` attributes go to an instance dictionary made on first use."""

    __slots__ = ("words", "terminal", "text", "folded", "body_like", "__dict__")

    words: int
    terminal: bool
    """Ends like a sentence: full stop, question or exclamation mark (closing quotes aside)."""
    text: str
    folded: str | None
    """The text with white space folded to single spaces, when ``shape`` had it cheaply."""
    body_like: bool
    """A sentence-shaped block (terminal, four words or more): what body paragraphs look like."""

    @_once
    def tokens(self) -> list[str]:
        """The text split at white space."""
        return self.text.split()

    @_once
    def low(self) -> str:
        """The text lower-cased with white space folded to single spaces, as phrases are matched."""
        return self.folded.lower() if self.folded is not None else normalize_tokens(self.tokens)

    @_once
    def title_ratio(self) -> float:
        """Share of the capitalisable non-minor words that start with a capital letter (0 for
        blocks outside 5 to 40 words or ending in a full stop, which it never decides)."""
        tokens = self.tokens
        end = self.text.rstrip().rstrip(_CLOSERS).rstrip()
        return _title_ratio(tokens) if 5 <= len(tokens) <= 40 and not end.endswith(".") else 0.0

    @_once
    def colon_or_quote(self) -> bool:
        return not _MARKS.isdisjoint(self.text)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def normalize_tokens(tokens: list[str]) -> str:
    """A text already split at white space, lower-cased and joined by single spaces: the form
    phrases are matched in."""
    return " ".join(tokens).lower()


def word_count(text: str, tokens: int) -> int:
    """``tokens`` words between spaces; for Chinese, Japanese and Korean, about two characters a
    word. Only a text with at least twice as many CJK characters as tokens can count more, and
    each CJK character takes three bytes in UTF-8: a text with fewer extra bytes is not searched
    (:func:`shape` does not call this for ASCII text at all)."""
    if len(text.encode("utf-8")) - len(text) < 4 * tokens + 4:
        return tokens
    return max(tokens, len(_CJK.findall(text)) // 2)


def _folded(text: str) -> str | None:
    """``" ".join(text.split())`` without splitting, for text whose only white space is spaces,
    line breaks and no-break spaces (almost all of it); None for other text. Every other
    white-space character is unprintable: ASCII text is searched for the eight such ASCII ones
    (a fast byte search each), other text is checked with one ``isprintable`` pass."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if text.isascii():
        if ("\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text
                or "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text):
            return None
    else:
        if "\xa0" in text:
            text = text.replace("\xa0", " ")
        if not text.isprintable():
            return None
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def shape(block: Block) -> Shape:
    """Word count and closing punctuation now; title case and marks when a detector asks."""
    text = block.text
    folded = _folded(text)
    if folded is None:
        tokens = len(text.split())
    else:
        tokens = folded.count(" ") + 1 if folded else 0
    words = tokens if text.isascii() else word_count(text, tokens)
    terminal = text.rstrip().rstrip(_CLOSERS).rstrip().endswith(_TERMINAL)
    s = Shape()
    s.words = words
    s.terminal = terminal
    s.text = text
    s.folded = folded
    s.body_like = terminal and words >= 4
    return s


def _title_ratio(tokens: list[str]) -> float:
    capitals, capitalisable = _capitals(tokens)
    return capitals / capitalisable if capitalisable else 0.0


def every_word_capitalised(s: Shape) -> bool:
    """Title case throughout: each of two or more capitalisable non-minor words starts with a
    capital (at any length, unlike ``title_ratio``)."""
    capitals, capitalisable = _capitals(s.tokens)
    return capitalisable >= 2 and capitals == capitalisable


def _capitals(tokens: list[str]) -> tuple[int, int]:
    """How many capitalisable non-minor words start with a capital, and how many there are."""
    capitalisable = 0
    capitals = 0
    for token in tokens:
        word = token.lstrip("\"'“‘«(¿¡[")
        if not word or not word[0].isalpha() or word.lower() in _MINOR:
            continue
        capitalisable += 1
        if word[0].isupper():
            capitals += 1
    return capitals, capitalisable


def headline_end(s: Shape) -> bool:
    """Ends as a listed headline does: with no stop, or with a question mark ("Who will make the
    Hall of Fame in 2020?"), as other stories' headlines under a "Related" header often do."""
    return not s.terminal or s.text.rstrip().endswith("?")


def headline_like(s: Shape, text: str, *, min_words: int, max_words: int, min_ratio: float) -> bool:
    """Title case, headline length, no closing full stop."""
    if not min_words <= s.words <= max_words or (min_ratio > 0 and s.title_ratio < min_ratio):
        return False
    return _ends_open(text)


def _ends_open(text: str) -> bool:
    """No full stop, comma, semicolon or colon at the end (closing quotes aside); an ellipsis
    may stand there, as in a headline that trails off."""
    end = text.rstrip().rstrip(_CLOSERS).rstrip()
    return not end.endswith((".", ",", ";", ":")) or end.endswith(("...", "…"))


_TITLE_MAX_WORDS = 24
"""Headlines run to about fifteen words; past two dozen the first line is a lede or a blurb."""
_LINK = r"www\.|https?:|@\w"
"""A link or an address: a credit line or a blurb."""
_NEXT_SENTENCE = r"['\"”’)]*\s+[\"“‘(]*[A-ZÀ-ÖØ-Þ]"
"""After a stop: closing quotes, a space, opening quotes and a capital."""
_SENTENCE_END = r"\b[A-Za-zÀ-ÖØ-öø-ÿ][a-zß-öø-ÿ'’]{2,}[.!?]" + _NEXT_SENTENCE
"""A sentence ends inside, after a word of three letters or more (not "Dr." or "U.S.")."""
_NOT_TITLE = re.compile(
    _LINK
    # a sentence ends inside it, after a lower-case word ...
    + r"|\b[a-zß-öø-ÿ]{3,}[.!?]" + _NEXT_SENTENCE
    # ... or a question or exclamation ends after a name ("... in Porto Belo? See how ..."); a
    # full stop after a capitalised word is as often an abbreviation ("Gov.", "Mich.") or part
    # of a slogan the headline quotes
    + r"|\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{2,}[!?]" + _NEXT_SENTENCE
)
_HAS_LINK = re.compile(_LINK)
_TWO_SENTENCES = re.compile(_SENTENCE_END)


def title_like(s: Shape, text: str, min_words: int = 5) -> bool:
    """Could be the document's own headline: short, one line, not a sentence ending in a stop,
    not two sentences (unless every word is capitalised, as two-part headlines are), no link or
    address in it. ``min_words`` words with letters at least:
    a shorter first line is a section name or a label unless something else marks it. Chinese
    and Japanese are written without spaces: there the words are :func:`word_count`'s estimate,
    and an ideographic full stop ends a sentence."""
    if not 2 <= s.words <= _TITLE_MAX_WORDS or "\n" in text or len(text) > 250:
        return False
    tokens = s.tokens
    if s.words > len(tokens):  # CJK
        if s.words < min_words or text.rstrip().endswith("。"):
            return False
    elif sum(1 for token in tokens if any(ch.isalpha() for ch in token)) < min_words:
        return False
    if _ends_open(text) and _NOT_TITLE.search(text) is None:
        return True
    return _title_case_sentences(s, text)


def _title_case_sentences(s: Shape, text: str) -> bool:
    """Two sentences with every word capitalised ("Ferry Fares Are Rising. Here's Why You
    Shouldn't Panic."): headline style, which many business and news sites use for a two-part
    headline; body sentences never capitalise every word, so the stops do not make it prose."""
    if s.words < 6 or _TWO_SENTENCES.search(text) is None or _HAS_LINK.search(text) is not None:
        return False
    capitals, capitalisable = _capitals(s.tokens)
    return capitalisable >= 6 and capitals == capitalisable
