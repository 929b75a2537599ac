"""Shared vocabularies named in rules, typed detector parameters, and explicit rule priority."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner import RuleError, load_rules
from cleaner.cli import main as cli_main
from cleaner.rules import default_rules_dir
from cleaner.rules._detectors import DETECTOR_NAMES
from cleaner.rules._params import PARAMS

VOCAB = """
[fruits]
description = "Fruit a market stall sells"
words = ["apple", "blood orange", "pear"]
"""

RULE = """
[[rule]]
id = "promo.stall"
category = "promo"
description = "A market stall's fruit offer."
languages = ["en"]
pattern = '''^fresh\\s+{{fruits}}\\s+today$'''
[rule.examples]
drop = ["Fresh blood orange today"]
keep = ["The stall had sold its last fresh pear by noon, and the queue went home."]
"""

ARTICLE = (
    "Market Reopens\n\nThe covered market reopened on Saturday after a year of repairs to its roof.\n\n"
    "Fresh blood   orange today\n\nTraders said the first weekend brought more visitors than expected."
)


def folder(tmp_path: Path, rules: str, vocab: str | None = VOCAB) -> Path:
    (tmp_path / "stall.toml").write_text(rules, encoding="utf-8")
    if vocab is not None:
        (tmp_path / "vocab.toml").write_text(vocab, encoding="utf-8")
    return tmp_path


def test_a_pattern_names_a_vocabulary_and_matches_its_words(tmp_path: Path) -> None:
    (rule,) = load_rules(folder(tmp_path, RULE))
    assert rule.pattern_source is not None and "{{fruits}}" in rule.pattern_source
    assert rule.pattern is not None and "blood\\s+orange" in rule.pattern
    result = cleaner.Cleaner([tmp_path], default_rules=False).clean_text(ARTICLE)
    assert [r.rule_id for r in result.removed] == ["promo.stall"]
    assert "roof" in result.text


def test_a_phrase_that_is_only_a_vocabulary_stands_for_each_word(tmp_path: Path) -> None:
    text = RULE.replace("pattern = '''^fresh\\s+{{fruits}}\\s+today$'''", 'phrases = ["{{fruits}}"]\nmatch = "whole"')
    (rule,) = load_rules(folder(tmp_path, text))
    assert rule.phrases == ("apple", "blood orange", "pear")


def test_the_shipped_vocabularies_are_there_for_a_user_folder(tmp_path: Path) -> None:
    text = RULE.replace("{{fruits}}", "{{months-en}}")
    (rule,) = load_rules(folder(tmp_path, text, vocab=None))
    assert rule.pattern is not None and "september" in rule.pattern


def test_rules_show_prints_the_readable_pattern(tmp_path: Path) -> None:
    folder(tmp_path, RULE)
    out = CliRunner().invoke(cli_main, ["rules", "show", "promo.stall", "--rules", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "pattern: ^fresh\\s+{{fruits}}\\s+today$" in out.output


@pytest.mark.parametrize(
    ("rules", "vocab", "field", "message"),
    [
        (RULE.replace("{{fruits}}", "{{vegetables}}"), VOCAB, "pattern", "unknown vocabulary {{vegetables}}"),
        (RULE.replace("pattern = '''^fresh\\s+{{fruits}}\\s+today$'''", 'phrases = ["ripe {{fruits}}"]'), VOCAB, "phrases", "alone"),
        (RULE, VOCAB.replace('"pear"]', '"pear", " - "]'), "fruits.words", "no letters"),
        (RULE, VOCAB.replace("description", "about"), "fruits.about", "unknown field"),
        (RULE, VOCAB + '\n[months-en]\ndescription = "again"\nwords = ["may"]\n', "months-en", "already declared"),
    ],
)
def test_a_bad_vocabulary_or_reference_names_file_line_and_field(
    tmp_path: Path, rules: str, vocab: str, field: str, message: str
) -> None:
    folder(tmp_path, rules, vocab)
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    err = info.value
    assert err.field == field and message in err.reason, str(err)
    assert err.path is not None and err.line is not None, str(err)


DETECTOR_RULE = """
[[rule]]
id = "teaser.stall-headline"
category = "teaser"
description = "A headline between body paragraphs."
languages = ["en"]
detector = "headline-among-body"
[rule.params]
{params}
[rule.examples]
drop = ["Ten Things To Buy At The Market This Weekend"]
keep = ["The market opened at eight and the first traders had sold out by ten."]
"""


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ("min_words = -1", "params.min_words", "whole number >= 0"),
        ('min_words = "eight"', "params.min_words", "whole number >= 0"),
        ("min_title_ratio = 1.5", "params.min_title_ratio", "from 0 to 1"),
        ("min_word = 8", "params.min_word", "not a parameter of headline-among-body"),
    ],
)
def test_a_wrong_detector_parameter_is_a_rule_error(
    tmp_path: Path, params: str, field: str, message: str
) -> None:
    (tmp_path / "d.toml").write_text(DETECTOR_RULE.format(params=params), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    err = info.value
    assert (err.rule_id, err.field) == ("teaser.stall-headline", field), str(err)
    assert message in err.reason and err.line == 2, str(err)


def test_parameters_without_a_detector_are_refused(tmp_path: Path) -> None:
    text = RULE.replace("[rule.examples]", "[rule.params]\nmin_words = 3\n[rule.examples]")
    with pytest.raises(RuleError, match="need a detector"):
        load_rules(folder(tmp_path, text))


def test_every_detector_declares_its_parameters() -> None:
    assert set(PARAMS) == set(DETECTOR_NAMES)


def test_the_shipped_rules_and_vocabularies_load() -> None:
    assert (default_rules_dir() / "vocab.toml").is_file()
    assert load_rules(default_rules_dir())


PRIORITY = """
[[rule]]
id = "promo.{name}"
category = "promo"
description = "A stall line."
languages = ["en"]
phrases = ["fresh blood orange"]
{priority}
[rule.examples]
drop = ["Fresh blood orange today"]
keep = ["A quiet morning at the market."]
"""


@pytest.mark.parametrize(("first_priority", "winner"), [(0, "promo.a"), (-1, "promo.b")])
def test_priority_not_file_order_decides_which_rule_wins(
    tmp_path: Path, first_priority: int, winner: str
) -> None:
    (tmp_path / "a.toml").write_text(
        PRIORITY.format(name="a", priority=f"priority = {first_priority}"), encoding="utf-8"
    )
    (tmp_path / "b.toml").write_text(PRIORITY.format(name="b", priority=""), encoding="utf-8")
    result = cleaner.Cleaner([tmp_path], default_rules=False).clean_text(ARTICLE)
    assert [r.rule_id for r in result.removed] == [winner]
