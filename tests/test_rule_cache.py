"""The compiled-rule cache: never a different result, and a bad cache file costs one warning."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.rules._cache import RuleCache, default_cache_dir

ROOT = Path(__file__).resolve().parents[1]
RULES = '''
[[rule]]
id = "promo.test-newsletter"
category = "promo"
description = "A newsletter pitch."
languages = ["en"]
phrases = ["sign up for our newsletter"]

[[rule]]
id = "share.test-follow"
category = "share"
description = "A follow-us line."
languages = ["en"]
pattern = '^follow us on \\w+$'
kinds = ["p", "li"]
'''
TEXT = ("Harbour Works Begin\n\nThe council approved the dredging plan on Tuesday after a long "
        "debate about costs and the schedule for the coming winter.\n\nFollow us on Mastodon\n\n"
        "Sign up for our newsletter\n\nThe work starts in March and should end by the autumn.\n")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def rule_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def _result(cleaner: Cleaner) -> tuple[str, tuple[object, ...]]:
    cleaned = cleaner.clean_text(TEXT)
    return cleaned.text, cleaned.verdicts


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_cache_dir_follows_the_environment(cache_dir: Path) -> None:
    assert default_cache_dir() == cache_dir


def test_second_cleaner_reads_what_the_first_wrote(cache_dir: Path, rule_file: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    first = Cleaner([rule_file], default_rules=False)
    expected = _result(first)
    names = [p.name.split("-")[0] for p in _entries(cache_dir)]
    assert names == ["engine", "rules"]
    second = Cleaner([rule_file], default_rules=False)
    assert second.rules == first.rules
    assert _result(second) == expected
    assert not expected[1][2].keep and not expected[1][3].keep  # the rules did apply
    assert capsys.readouterr().err == ""


def test_no_cache_neither_reads_nor_writes(cache_dir: Path, rule_file: Path) -> None:
    Cleaner([rule_file], default_rules=False, cache=False).clean_text(TEXT)
    assert not cache_dir.exists()


def test_an_edited_rule_file_is_not_served_from_the_cache(cache_dir: Path, rule_file: Path) -> None:
    assert not _result(Cleaner([rule_file], default_rules=False))[1][3].keep
    rule_file.write_text(RULES.replace("sign up for our newsletter", "join the club"),
                         encoding="utf-8")
    assert _result(Cleaner([rule_file], default_rules=False))[1][3].keep


def test_options_are_part_of_the_key(cache_dir: Path, rule_file: Path) -> None:
    Cleaner([rule_file], default_rules=False)
    off = Cleaner([rule_file], default_rules=False, disable=["promo.test-newsletter"])
    assert [r.id for r in off.rules] == ["share.test-follow"]
    german = Cleaner([rule_file], default_rules=False, languages=["de"])
    assert german.rules == ()


def _damage_each(folder: Path, damage: str) -> None:
    for path in _entries(folder):
        data = path.read_bytes()
        if damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "corrupt":
            path.write_bytes(data[:-40] + bytes(b ^ 0x5A for b in data[-40:]))
        elif damage == "foreign":
            path.write_bytes(b"PK\x03\x04 something else entirely\n" * 20)
        elif damage == "unreadable":
            path.unlink()
            path.mkdir()


@pytest.mark.parametrize("damage, reason", [
    ("truncated", "truncated or corrupt"),
    ("corrupt", "truncated or corrupt"),
    ("foreign", "not a cache file of this cleaner"),
    ("unreadable", "cannot read the rule cache"),
])
def test_a_bad_cache_file_is_ignored_with_one_warning(
        cache_dir: Path, rule_file: Path, capsys: pytest.CaptureFixture[str],
        damage: str, reason: str) -> None:
    expected = _result(Cleaner([rule_file], default_rules=False, cache=False))
    Cleaner([rule_file], default_rules=False).clean_text(TEXT)
    _damage_each(cache_dir, damage)
    capsys.readouterr()
    again = Cleaner([rule_file], default_rules=False)
    assert _result(again) == expected
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cleaner: warning:") and reason in err
    assert str(cache_dir) in err
    if damage != "unreadable":  # the entry was rebuilt: the next run reads it without a word
        assert _result(Cleaner([rule_file], default_rules=False)) == expected
        assert capsys.readouterr().err == ""


def test_an_unwritable_cache_costs_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               rule_file: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(blocker / "cache"))
    cleaner = Cleaner([rule_file], default_rules=False)
    assert not _result(cleaner)[1][3].keep
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the rule cache" in err


def _write_rounds(folder: str, rule_file: str, start: object, rounds: int) -> None:
    for n in range(rounds):
        start.wait()  # type: ignore[attr-defined]
        # A new key each round (the disabled id matches no rule): both processes miss it and
        # write the same entry at the same moment.
        RuleCache(Path(folder)).rules([rule_file], None, [f"x.round-{n}"],
                                      lambda: tuple(Cleaner([rule_file], default_rules=False,
                                                            cache=False).rules) * 50)


def test_two_processes_writing_at_once_leave_one_valid_file(tmp_path: Path,
                                                            rule_file: Path) -> None:
    folder = tmp_path / "cache"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    rounds = 8
    args = (str(folder), str(rule_file), start, rounds)
    workers = [context.Process(target=_write_rounds, args=args) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    entries = _entries(folder)
    assert len(entries) == rounds and all(p.name.startswith("rules-") for p in entries)
    expected = Cleaner([rule_file], default_rules=False, cache=False).rules * 50
    cache = RuleCache(folder)
    for n in range(rounds):
        got = cache.rules([str(rule_file)], None, [f"x.round-{n}"], lambda: pytest.fail("rebuilt"))
        assert got == expected


def test_the_shipped_rules_give_the_same_output_cold_warm_and_uncached(cache_dir: Path) -> None:
    fixtures = ROOT / "fixtures"
    documents = sorted(fixtures.glob("*/*.txt")) + sorted(fixtures.glob("*/*.html"))
    assert documents

    def outputs(cleaner: Cleaner) -> list[object]:
        out: list[object] = []
        for path in documents:
            if path.suffix == ".html":
                cleaned = cleaner.clean_html(path.read_bytes(), url="https://news.example.org/a")
            else:
                cleaned = cleaner.clean_text(path.read_text(encoding="utf-8"))
            out.append((cleaned.text, cleaned.verdicts, cleaned.title))
        return out

    uncached = outputs(Cleaner(cache=False))
    cold = outputs(Cleaner())
    assert [p.name.split("-")[0] for p in _entries(cache_dir)] == ["engine", "rules"]
    warm = outputs(Cleaner())
    assert cold == uncached and warm == uncached
