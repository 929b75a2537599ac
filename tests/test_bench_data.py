"""The bench's own parsing and bookkeeping: loaders, conventions, targets, rule admission.
No benchmark data needed: every input is written here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _conventions, _data, _targets, audit  # noqa: E402
from bench.quality import PoolRow  # noqa: E402

from cleaner import Block, Cleaned, Rule, Verdict  # noqa: E402


def test_dragnet_gold_stops_at_the_comments_marker_in_its_variants() -> None:
    article = "A headline\nThe first paragraph of the story.\n"
    for marker in ("!@#$%^&*()  COMMENTS", "!@#$%^&*() COMMENTS", "!@ $%^&*()  \tCOMMENTS"):
        text = f"{article}\r\n\r\n{marker}\r\n\r\nA reader wrote this reply.\r\n"
        assert _data.dragnet_gold(text) == article.strip()


def test_dragnet_gold_without_a_marker_is_the_whole_text() -> None:
    text = "A headline\rA paragraph that mentions COMMENTS in passing.\r"
    assert _data.dragnet_gold(text) == "A headline\nA paragraph that mentions COMMENTS in passing."


def test_page_url_prefers_the_canonical_link_then_og_url() -> None:
    both = (
        b'<head><meta property="og:url" content="http://example.org/og">'
        b"<link href='http://example.org/a?x=1&amp;y=2' rel='canonical' /></head>"
    )
    assert _data.page_url(both) == "http://example.org/a?x=1&y=2"
    assert _data.page_url(b'<meta content="https://example.org/b" property="og:url">') == (
        "https://example.org/b"
    )
    assert _data.page_url(b'<link rel="canonical" href="/relative">') is None
    assert _data.page_url(b"<html><p>no address</p></html>") is None


# --- conventions, targets and admission (bench/_conventions.py, _targets.py, audit.py) -------


def _cleaned(title_index: int | None = 0, title: str | None = None) -> Cleaned:
    blocks = tuple(
        Block(t)
        for t in ("The Headline", "By A. Writer", "A body paragraph.", "Photo: An Agency")
    )
    verdicts = (
        Verdict(True),
        Verdict(False, "byline.by-name", "byline"),
        Verdict(True),
        Verdict(False, "caption.credit-line", "caption"),
    )
    return Cleaned(blocks, verdicts, title=title, title_index=title_index)


def test_fair_text_puts_back_the_headline_and_kept_categories_in_place() -> None:
    cleaned = _cleaned()
    assert _conventions.fair_text(cleaned, frozenset()) == "A body paragraph."
    assert _conventions.fair_text(cleaned, frozenset({"title", "byline"})) == (
        "The Headline\n\nBy A. Writer\n\nA body paragraph."
    )
    assert _conventions.fair_text(cleaned, frozenset({"caption"})) == (
        "A body paragraph.\n\nPhoto: An Agency"
    )


def test_fair_text_puts_a_headline_from_markup_first() -> None:
    cleaned = _cleaned(title_index=None, title="From The Markup")
    assert _conventions.fair_text(cleaned, frozenset({"title"})).split("\n\n")[:2] == [
        "From The Markup",
        "The Headline",
    ]


def _page(dataset: str, page_id: str, url: str | None, raw: bytes = b"") -> _data.Page:
    return _data.Page(dataset, page_id, url, raw)


def test_site_of_uses_host_archive_original_mozilla_name_and_link_majority() -> None:
    assert _conventions.site_of(_page("zyte", "x", "https://www.example.org/a")) == "example.org"
    archived = "https://web.archive.org/web/2019/https://news.example.net/story"
    assert _conventions.site_of(_page("trafilatura-eval", "x", archived)) == "news.example.net"
    assert _conventions.site_of(_page("mozilla", "paper-2", "http://fakehost/")) == "mozilla:paper"
    links = b'<a href="http://blog.example.com/1"><a href="http://blog.example.com/2"><a href="http://x.test/">'
    assert _conventions.site_of(_page("dragnet-train", "7", None, links)) == "blog.example.com"
    assert _conventions.site_of(_page("dragnet-train", "7", None)) == "dragnet-train:7"


def _rule(category: str, drops: int, domains: tuple[str, ...] = ()) -> Rule:
    return Rule(
        id=f"{category}.x", category=category, description="d", languages=("en",),
        phrases=("p",), domains=domains,
        examples_drop=tuple(f"wording {i}" for i in range(drops)), examples_keep=("k",),
    )  # fmt: skip


def test_admission_needs_few_gold_hits_and_three_sites_or_a_scope_or_three_wordings() -> None:
    wide = {"sites": 3, "hits": 1, "judged": 10}
    assert audit.admission_problems(_rule("teaser", 1), wide) == []
    too_many_hits = audit.admission_problems(_rule("teaser", 1), {**wide, "hits": 2})
    assert len(too_many_hits) == 1 and "20%" in too_many_hits[0]
    narrow = {"sites": 2, "hits": 0, "judged": 5}
    assert len(audit.admission_problems(_rule("teaser", 5), narrow)) == 1
    assert audit.admission_problems(_rule("teaser", 1, ("example.org",)), narrow) == []
    assert audit.admission_problems(_rule("correction", 3), narrow) == []
    assert len(audit.admission_problems(_rule("correction", 2), narrow)) == 1
    assert len(audit.admission_problems(_rule("promo", 9), None)) == 1


def test_targets_checks_name_each_row_and_its_bar() -> None:
    row = quality_row("dragnet-train", "page-text", c4=0.70, cleaner=0.74)
    (check,) = _targets.checks([row])
    assert not check.met and check.target == _targets.PAGE_TEXT_OVER_C4


def quality_row(dataset: str, kind: str, c4: float, cleaner: float) -> PoolRow:
    return PoolRow(dataset, kind, "shingle4", 1, 0.5, c4, 0.9, cleaner, 0.0, cleaner, 0.0, 0, 0.0)
