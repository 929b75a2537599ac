"""Small made-up sites for the learning tests: furniture on every page, body that differs, and
format lines that recur because a site's articles share a format (written for this project)."""

from __future__ import annotations

import json
from pathlib import Path

_NOUNS = ["ferry", "harbour", "library", "market", "bridge", "school", "orchard", "lighthouse",
          "bakery", "museum", "garden", "station"]
_VERBS = ["repaired", "opened", "expanded", "closed", "painted", "rebuilt", "moved", "renamed"]
_PEOPLE = ["the mayor", "a fisherman", "two teachers", "the warden", "a local baker",
           "the youth club", "three nurses", "the ferry crew"]


_WORDS = ("amber quiet northern swift gentle crooked hollow bright distant narrow patient "
          "stubborn cheerful weathered sudden careful golden muddy").split()


def sentence(page: int, n: int) -> str:
    noun = _NOUNS[(page * 3 + n) % len(_NOUNS)]
    other = _NOUNS[(page * 5 + n * 7 + 1) % len(_NOUNS)]
    verb = _VERBS[(page + n * 3) % len(_VERBS)]
    who = _PEOPLE[(page * 7 + n) % len(_PEOPLE)]
    words = [_WORDS[(page * 11 + n * 5 + k * 7) % len(_WORDS)] for k in range(4)]
    return (f"Last week {who} said the {words[0]} {noun} near the {words[1]} {other} was "
            f"{verb} after a {words[2]} debate, and the {words[3]} island took the news well.")


def news_page(page: int) -> str:
    lines = [f"Island {_NOUNS[page % len(_NOUNS)].title()} Story Number {page}",
             f"Posted in Local on March {page + 1}, 2024",
             sentence(page, 0), sentence(page, 1), sentence(page, 2),
             "Get the Harbour Bulletin in your inbox every morning",
             sentence(page, 3),
             "Harbour Bulletin tip line: write to the newsroom",
             "Browse the archive by district"]
    return "\n\n".join(lines)


def recipe_page(page: int) -> str:
    lines = [f"Slow {_NOUNS[page % len(_NOUNS)].title()} Stew",
             sentence(page, 0),
             "Ingredients:",
             f"- {page + 2} cups of {_NOUNS[page % len(_NOUNS)]} broth",
             f"- one {_VERBS[page % len(_VERBS)]} onion",
             "Method:",
             sentence(page, 1), sentence(page, 2),
             "Print this recipe card for your kitchen"]
    return "\n\n".join(lines)


def interview_page(page: int) -> str:
    lines = [f"Meet the {_NOUNS[page % len(_NOUNS)]} keeper",
             sentence(page, 0),
             "What brought you to the island?",
             sentence(page, 1),
             "What would you change about it?",
             sentence(page, 2),
             "Share your own island story with the editors"]
    return "\n\n".join(lines)


def write_corpus(path: Path, pages: int = 8) -> Path:
    """JSON lines: three sites of ``pages`` pages each, a URL on every record."""
    with path.open("w", encoding="utf-8") as out:
        for site, make in (("harbour-bulletin.com", news_page), ("stew-notes.org", recipe_page),
                           ("island-voices.net", interview_page)):
            for page in range(pages):
                record = {"id": f"{site}-{page}", "url": f"https://www.{site}/p/{page}",
                          "text": make(page)}
                out.write(json.dumps(record) + "\n")
    return path
