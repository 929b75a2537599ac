"""Learning each site's furniture from its own pages (issue 15): the library, the files it
writes, and the command line. The sites are made up (tests/_sites.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner import Cleaner
from cleaner.cli import main
from cleaner.learning import Counts, Settings, count_document, finish, site_files, site_key
from cleaner.sources import Document

from _sites import interview_page, news_page, recipe_page, write_corpus

FURNITURE = {"Browse the archive by district", "Get the Harbour Bulletin in your inbox every morning",
             "Harbour Bulletin tip line: write to the newsroom",
             "Print this recipe card for your kitchen",
             "Share your own island story with the editors"}
FORMAT_LINES = {"Ingredients:", "Method:", "What brought you to the island?",
                "What would you change about it?"}


def _docs(pages: int = 8) -> list[Document]:
    docs = []
    for site, make in (("harbour-bulletin.com", news_page), ("stew-notes.org", recipe_page),
                       ("island-voices.net", interview_page)):
        docs += [Document(f"{site}/{i}", make(i), "text", url=f"https://www.{site}/p/{i}")
                 for i in range(pages)]
    return docs


@pytest.fixture(scope="module")
def shipped() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="module")
def learned(shipped: Cleaner) -> list[cleaner.Rule]:
    return cleaner.learn(_docs(), shipped)


def test_learns_furniture_and_not_the_format_lines_articles_share(learned: list[cleaner.Rule]) -> None:
    phrases = {p for rule in learned for p in rule.phrases}
    assert phrases == FURNITURE
    assert not phrases & FORMAT_LINES
    assert all(r.id.startswith("site.") and r.match == "whole" for r in learned)
    assert {r.domains for r in learned} == {("harbour-bulletin.com",), ("stew-notes.org",),
                                            ("island-voices.net",)}


def test_learned_rules_clean_only_their_site(learned: list[cleaner.Rule]) -> None:
    site_cleaner = Cleaner(rules=learned)
    page = news_page(20)
    on_site = site_cleaner.clean_text(page, url="https://news.harbour-bulletin.com/x")
    assert "tip line" not in on_site.text and "Last week" in on_site.text
    assert any(r.rule_id.startswith("site.harbour-bulletin.com.") for r in on_site.removed)
    elsewhere = site_cleaner.clean_text(page, url="https://other.example.org/x")
    assert "tip line" in elsewhere.text


def test_a_site_with_one_page_and_a_one_block_page_learn_nothing(shipped: Cleaner) -> None:
    one = [Document("a", news_page(1), "text", url="https://solo.com/a")]
    assert cleaner.learn(one, shipped) == []
    same_line = [Document(str(i), "Subscribe to the quarry gazette", "text",
                          url=f"https://quarry.com/{i}") for i in range(6)]
    assert cleaner.learn(same_line, shipped) == []


def test_near_duplicate_pages_count_once(shipped: Cleaner) -> None:
    copies = [Document(str(i), news_page(3), "text", url=f"https://copies.com/{i}")
              for i in range(5)]
    assert cleaner.learn(copies, shipped) == []  # one article saved five times: one page
    distinct = [Document(str(i), news_page(i), "text", url=f"https://copies.com/{i}")
                for i in range(5)]
    assert cleaner.learn(distinct, shipped) != []


def test_counts_merged_from_parts_give_the_same_rules(shipped: Cleaner) -> None:
    docs = _docs()
    whole, first, second = Counts(), Counts(), Counts()
    for i, doc in enumerate(docs):
        count_document(whole, shipped, doc)
        count_document(first if i % 3 else second, shipped, doc)
    second.merge(first)  # in the other order too
    assert site_files(finish(second, shipped, Settings()).rules) == \
        site_files(finish(whole, shipped, Settings()).rules)


def test_site_key_sources() -> None:
    assert site_key(None, "https://news.bbc.co.uk/a", None) == "bbc.co.uk"
    assert site_key("Blog-A", "https://x.com/", None) == "blog-a"
    assert site_key(None, None, "https://www.example.com/story") == "example.com"
    assert site_key(None, None, None) is None


def test_html_pages_without_url_take_their_site_from_the_canonical_link(shipped: Cleaner) -> None:
    def html(i: int) -> str:
        paras = "".join(f"<p>{line}</p>" for line in news_page(i).split("\n\n")[2:])
        return (f'<html><head><link rel="canonical" href="https://www.canon-news.com/{i}">'
                f"</head><body><article>{paras}</article></body></html>")

    docs = [Document(str(i), html(i), "html") for i in range(8)]
    rules = cleaner.learn(docs, shipped)
    assert rules and all(r.domains == ("canon-news.com",) for r in rules)
    result = Cleaner(rules=rules).clean_html(html(30))
    assert any(r.rule_id.startswith("site.canon-news.com.") for r in result.removed)


def test_cli_learn_writes_files_that_lint_test_and_repeat(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "pages.jsonl")
    runner = CliRunner()
    out = runner.invoke(main, ["learn", str(corpus), "-o", str(tmp_path / "a")])
    assert out.exit_code == 0, out.output
    again = runner.invoke(main, ["learn", str(corpus), "-o", str(tmp_path / "b")])
    assert again.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["harbour-bulletin.com.toml", "island-voices.net.toml", "stew-notes.org.toml"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    text = (tmp_path / "a" / "harbour-bulletin.com.toml").read_text()
    assert "# on 8 of 8 pages of harbour-bulletin.com" in text
    lint = runner.invoke(main, ["rules", "lint", "--rules", str(tmp_path / "a")])
    assert lint.exit_code == 0, lint.output
    test = runner.invoke(main, ["rules", "test", "--rules", str(tmp_path / "a"), "-k", "site."])
    assert test.exit_code == 0 and "10 passed, 0 failed" in test.output, test.output


def test_cli_site_field(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    with path.open("w") as out:
        for i in range(6):
            out.write(json.dumps({"text": news_page(i), "source_site": "Bulletin"}) + "\n")
    result = CliRunner().invoke(main, ["learn", str(path), "-o", str(tmp_path / "r"),
                                       "--site-field", "source_site"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "r").iterdir()] == ["bulletin.toml"]


def test_clean_learn_names_learned_rules_and_counts_them_apart(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "pages.jsonl")
    with corpus.open("a") as out:
        out.write("{not json\n")  # an unreadable record: an error record, learning goes on
    stats = tmp_path / "stats.json"
    result = CliRunner().invoke(main, [
        "clean", str(corpus), "--learn", "--format", "jsonl", "-j", "1", "--stats", str(stats),
        "--save-learned", str(tmp_path / "saved")])
    assert result.exit_code == 1  # the bad record
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 25 and records[-1]["error"]
    removed = [r for rec in records[:8] for r in rec["removed"]]
    assert {"rule_id": "site.harbour-bulletin.com.1", "category": "site", "chars": 30} in [
        {k: r[k] for k in ("rule_id", "category", "chars")} for r in removed]
    data = json.loads(stats.read_text())
    assert data["removed_by_learned_rules"]["blocks"] == 40
    assert data["learning"]["pages_without_site"] == 0 and data["learning"]["unreadable"] == 1
    assert (tmp_path / "saved" / "stew-notes.org.toml").exists()


def test_clean_learn_refuses_stdin(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", "-", "--learn"], input="some text\n")
    assert result.exit_code == 2
    assert "reads the input twice" in result.output and "standard input" in result.output


def test_corpus_without_sites_says_so_and_cleans(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    with path.open("w") as out:
        for i in range(4):
            out.write(json.dumps({"text": news_page(i)}) + "\n")
    result = CliRunner().invoke(main, ["clean", str(path), "--learn", "--format", "jsonl",
                                       "-j", "1"])
    assert result.exit_code == 0
    assert "4 without a site" in result.stderr and "nothing learned" in result.stderr
    assert len(result.stdout.splitlines()) == 4


def test_jobs_count_in_workers_and_write_the_same_bytes(tmp_path: Path) -> None:
    lines = write_corpus(tmp_path / "all.jsonl").read_text().splitlines(keepends=True)
    parts = []
    for n in range(3):  # three inputs, so that both workers count some
        part = tmp_path / f"part{n}.jsonl"
        part.write_text("".join(lines[n::3]))
        parts.append(str(part))
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["learn", *parts, "-o", str(tmp_path / jobs), "-j", jobs])
        assert result.exit_code == 0, result.output
    one = {p.name: p.read_bytes() for p in (tmp_path / "1").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "2").iterdir()}
    assert one == two and len(one) == 3


def test_a_race_reports_split_labels_and_subheadings_are_body(shipped: Cleaner) -> None:
    from _sites import sentence

    def race(page: int) -> str:
        return "\n\n".join([
            f"Coastal Marathon Report {page}", sentence(page, 0),
            "Halfway", sentence(page, 1), sentence(page, 2),
            "Final split", f"{page + 1}:0{page % 9}", sentence(page, 3),
            "Follow the race desk for live splits every weekend"])

    docs = [Document(str(i), race(i), "text", url=f"https://race-desk.com/{i}") for i in range(6)]
    phrases = {p for rule in cleaner.learn(docs, shipped) for p in rule.phrases}
    assert phrases == {"Follow the race desk for live splits every weekend"}
