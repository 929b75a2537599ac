from __future__ import annotations

import json

import cleaner


def test_public_names_change_only_on_purpose() -> None:
    assert sorted(cleaner.__all__) == sorted([
        "Block", "CleanTimeout", "Cleaned", "Cleaner", "CleanerError", "FetchError", "Removal",
        "Rule", "RuleError", "SourceError", "Verdict", "clean_html", "clean_text", "load_rules",
        "FetchOptions", "FetchResult", "afetch", "fetch", "learn",
    ])
    for name in cleaner.__all__:
        assert hasattr(cleaner, name), name


def test_error_tree() -> None:
    for exc in (cleaner.RuleError, cleaner.SourceError, cleaner.FetchError, cleaner.CleanTimeout):
        assert issubclass(exc, cleaner.CleanerError)
    assert issubclass(cleaner.FetchError, cleaner.SourceError)


def test_cleaned_shape_and_json() -> None:
    text = ("Harbour Council Approves New Ferry Timetable\n\nAdvertisement\n\n"
            "The council approved the timetable on Tuesday after a long debate.\n\n"
            "Boats will leave every twenty minutes during the morning rush.")
    result = cleaner.clean_text(text)
    assert result.title == "Harbour Council Approves New Ferry Timetable"
    assert result.text.split("\n\n") == [
        "The council approved the timetable on Tuesday after a long debate.",
        "Boats will leave every twenty minutes during the morning rush."]
    [removal] = result.removed
    assert (removal.text, removal.category) == ("Advertisement", "advertisement")
    assert removal.rule_id.startswith("advertisement.")
    record = json.loads(json.dumps(result.to_dict()))
    assert record["title"] == result.title and record["text"] == result.text
    assert record["removed"][0]["rule_id"] == removal.rule_id


def test_cleaner_is_reusable_and_languages_filter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    german_only = cleaner.Cleaner(languages=["de"])
    assert all({"de", "*"} & set(r.languages) for r in german_only.rules)
    assert len(german_only.rules) < len(cleaner.Cleaner().rules)


def test_disable_one_rule() -> None:
    text = "Title Of The Story Here\n\nThe first paragraph ends here.\n\nAdvertisement\n\nThe end."
    full = cleaner.Cleaner()
    rule_id = full.clean_text(text).removed[0].rule_id
    assert "Advertisement" in cleaner.Cleaner(disable=[rule_id]).clean_text(text).text


def test_bad_rule_file_fails_at_construction_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "promo.x"\ncategory = "promo"\npattern = "(a|)"\n', encoding="utf-8")
    try:
        cleaner.Cleaner([bad], default_rules=False)
    except cleaner.RuleError as exc:
        assert str(bad) in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("a bad rule file must be refused when the Cleaner is made")


def test_rules_compile_on_first_use_once_for_all_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    made = cleaner.Cleaner(languages=["en"])
    assert made.rules and made._built is None  # a parent that only ships .rules never compiles
    with ThreadPoolExecutor(4) as pool:
        compiled = list(pool.map(lambda _: made._compiled(), range(8)))
    assert all(c is compiled[0] for c in compiled)
    text = "Title Of The Story Here\n\nThe first paragraph ends here.\n\nAdvertisement\n\nThe end."
    assert made.clean_text(text).removed and made._compiled() is compiled[0]


_BODY = ("The council approved the new timetable on Tuesday after a two-hour debate.\n\n"
         "Boats will leave every twenty minutes during the morning rush, the operator said.")


def test_a_headline_on_the_first_line_is_the_title() -> None:
    for headline in ("Harbour Council Approves New Ferry Timetable",
                     "Will the Island Ferry Run Every Twenty Minutes?",
                     "Stadtrat beschließt neuen Fahrplan für die Inselfähre",
                     "Le conseil adopte le nouvel horaire du bac de l'île",
                     # no spaces to count words by; a few Latin capitals do not make it shouting
                     "港口渡轮时刻表今天起调整，每二十分钟一班",
                     "港口渡轮APP今天上线新的时刻表查询功能"):
        result = cleaner.clean_text(f"{headline}\n\n{_BODY}")
        assert result.title == headline
        assert headline not in result.text


def test_a_two_sentence_headline_in_title_case_is_the_title() -> None:
    headline = "Ferry Fares Are Rising Again. Here's Why Islanders Shouldn't Panic."
    result = cleaner.clean_text(f"{headline}\n\n{_BODY}")
    assert result.title == headline and result.text == _BODY


def test_a_headline_printed_with_its_dateline_in_one_block_is_the_title() -> None:
    # (a line starting in lower case continues the block: see segment_text)
    for headline, under in (("Ferry Timetable 2024", "updated 5 March 2024 at 10:32"),
                            ("Tabela das Balsas", "segunda-feira, 4 de março de 2024 às 9:15"),
                            ("Harbour Council Approves New Ferry Timetable", "by Jane Doe")):
        result = cleaner.clean_text(f"{headline}\n{under}\n\n{_BODY}")
        assert result.title == headline
        assert result.text == _BODY
    # a first block whose second line is not a dateline or byline stays in the body
    first = "Ferry Timetable 2024\nboats leave every twenty minutes"
    result = cleaner.clean_text(f"{first}\n\n{_BODY}")
    assert result.title is None and result.text.startswith(first)


def test_a_first_line_that_is_not_a_headline_stays_in_the_body() -> None:
    for first in (
        # a lede without its full stop, longer than headlines run
        "The harbour council has this morning approved the new ferry timetable that islanders "
        "and commuters have been asking the operator for since the service was cut three years ago",
        # two sentences
        "Residents waited three years for this. Now the ferry runs every twenty minutes!",
        "Os moradores esperaram três anos por isso. Agora a balsa passa a cada vinte minutos!",
        "Já andou na balsa noturna de Porto Belo? Veja como foi a viagem!",
        # a credit line with a link
        "Tested by: Jane Doe RRP: £24.99 More info: www.harbourkit.example",
        # all in capitals: a call to action or a quoted title, not the headline
        "ALL ABOARD FOR THE HARBOUR FESTIVAL",
        # a Chinese sentence, ending in an ideographic full stop
        "港口渡轮时刻表今天起调整，每二十分钟一班。",
    ):
        result = cleaner.clean_text(f"{first}\n\n{_BODY}")
        assert result.title is None
        assert result.text.startswith(first)
