"""The HTML path: decoding, selector pruning, block features, headline, metadata, non-articles.

Every page here is written for these tests (made-up towns, people and sites).
"""

from __future__ import annotations

import json
import signal
from collections.abc import Sequence
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

import cleaner
from cleaner import CleanTimeout, Rule, load_rules
from cleaner._decode import decode_html
from cleaner.html import Page, extract_page
from cleaner.html._blocks import body_blocks
from cleaner.html._chunks import first_body, join_chunks
from cleaner.html._dump import baseline_blocks
from cleaner.rules._select import CompiledSelector, compile_selectors

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"

BODY = [
    (
        "The harbour council approved the new ferry timetable on Tuesday after a two-hour debate "
        "that ran well past the scheduled end of the evening session."
    ),
    (
        "Under the plan, boats will leave every twenty minutes during the morning rush, and the "
        "last crossing of the day moves from ten o'clock to half past eleven."
    ),
    (
        "Residents on the island had asked for earlier departures for more than three years, "
        "collecting signatures at the ferry terminal and at the weekly market."
    ),
    (
        "The operator said it would hire six more crew members before the summer season begins, "
        "and that two of the older vessels would be refitted over the winter."
    ),
    (
        "Fares will stay the same until at least the end of next year, the council said, although "
        "a review of the discount scheme for students is planned for the spring."
    ),
]
TITLE = "Harbour Council Approves New Ferry Timetable"


def page(body: str, *, head: str = "", title: str = TITLE, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body><article>{body}</article></body></html>"
    )


def paragraphs(texts: Sequence[str] = BODY) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def texts(result: Page) -> list[str]:
    return [b.text for b in result.blocks]


def selector_rules(
    *rules: tuple[str, list[str]], domains: Sequence[str] = ()
) -> list[CompiledSelector]:
    return compile_selectors(
        [
            Rule(
                id=rule_id,
                category=rule_id.split(".")[0],
                description="test",
                languages=("*",),
                selectors=tuple(selectors),
                domains=tuple(domains),
            )
            for rule_id, selectors in rules
        ]
    )


def extract(
    html: str | bytes,
    url: str | None = "https://ledger.example/news/ferry",
    selectors: Sequence[CompiledSelector] = (),
) -> Page:
    return extract_page(html, url=url, selectors=selectors)


# --- decoding ---------------------------------------------------------------------------------

CAFE = "Après deux ans de travaux, le café de la place rouvre ses portes à côté de l'église."


def french_page(meta: str) -> str:
    return (
        f"<html><head>{meta}<title>Le café rouvre</title></head><body><article>"
        + "".join(f"<p>{CAFE} Paragraphe {n}.</p>" for n in range(4))
        + "</article></body></html>"
    )


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="iso-8859-1">',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ],
)
def test_declared_single_byte_charset(meta: str) -> None:
    data = french_page(meta).encode("cp1252")
    assert CAFE in decode_html(data, "page.html")
    assert f"{CAFE} Paragraphe 0." in texts(extract(data))


def test_declared_cyrillic_charset() -> None:
    line = "Городской совет утвердил новое расписание паромов после долгих споров."
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{line}</p></body></html>'
    assert line in decode_html(html.encode("cp1251"), "page.html")


def test_http_header_charset_is_used_when_the_page_declares_none() -> None:
    html = f"<html><body><p>{CAFE}</p></body></html>"
    assert CAFE in decode_html(html.encode("cp1252"), "page.html", charset="ISO-8859-1")


def test_byte_order_mark_outranks_the_meta_charset() -> None:
    html = french_page('<meta charset="iso-8859-1">')
    assert CAFE in decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"), "page.html")
    assert CAFE in decode_html(html.encode("utf-16"), "page.html")  # BOM, with NUL bytes


def test_utf8_page_mislabelled_as_latin1_is_read_as_utf8() -> None:
    data = french_page('<meta charset="iso-8859-1">').encode("utf-8")
    decoded = decode_html(data, "page.html")
    assert CAFE in decoded and "Ã©" not in decoded


def test_character_references_to_control_characters_are_read_as_browsers_do() -> None:
    # &#151; is an em dash in windows-1252 (the HTML standard maps 128-159 so); a reference to
    # a C0 control character is dropped (the extractor refuses such text, losing the page).
    body = "".join(
        f"<p>{text.replace(', ', ' &#151; ', 1)}&#26;</p>" for text in BODY
    )
    result = texts(extract(page(body)))
    assert result == [text.replace(", ", " \u2014 ", 1) for text in BODY]


def test_latin1_page_mislabelled_as_utf8_is_detected() -> None:
    data = french_page('<meta charset="utf-8">').encode("cp1252")
    assert CAFE in decode_html(data, "page.html")


# --- pruning ----------------------------------------------------------------------------------

SHARE_BAR = '<span class="share-tools">Share on Facebook | Share on Twitter | Email this</span>'


def test_selector_prunes_and_says_which_rule_removed_what() -> None:
    html = page(
        paragraphs(BODY[:2])
        + f"<p>Before the bar {SHARE_BAR} after the bar.</p>"
        + paragraphs(BODY[2:])
    )
    result = extract(html, selectors=selector_rules(("share.tools", [".share-tools"])))
    [removal] = result.pruned
    assert (removal.rule_id, removal.category, removal.index) == ("share.tools", "share", None)
    assert removal.text == "Share on Facebook | Share on Twitter | Email this"
    body = " ".join(texts(result))
    assert "Share on Facebook" not in body
    assert "Before the bar after the bar." in texts(result)  # the tail text stays


def test_snippet_is_short_and_leaves_out_scripts() -> None:
    widget = (
        '<div class="promo-box"><script>var tracking = "x".repeat(100);</script>'
        + "Subscribe to our weekly newsletter " * 10
        + "</div>"
    )
    result = extract(
        page(paragraphs() + widget), selectors=selector_rules(("promo.box", [".promo-box"]))
    )
    [removal] = result.pruned
    assert removal.text.startswith("Subscribe to our weekly newsletter")
    assert len(removal.text) <= 80 and "tracking" not in removal.text


def test_nested_matches_are_pruned_once() -> None:
    html = page(
        paragraphs() + '<aside class="related"><div class="related">Other stories</div></aside>'
    )
    result = extract(html, selectors=selector_rules(("teaser.related", [".related"])))
    assert len(result.pruned) == 1


def test_domain_limited_selector_prunes_only_on_its_site() -> None:
    html = page(
        paragraphs(BODY[:3])
        + '<p class="house-ad">Visit our shop for harbour maps.</p>'
        + paragraphs(BODY[3:])
    )
    rules = selector_rules(("advertisement.house", [".house-ad"]), domains=["ledger.example"])
    on_site = extract(html, url="https://www.ledger.example/a", selectors=rules)
    elsewhere = extract(html, url="https://other.example/a", selectors=rules)
    no_url = extract(html, url=None, selectors=rules)
    assert [r.rule_id for r in on_site.pruned] == ["advertisement.house"]
    assert elsewhere.pruned == [] and no_url.pruned == []
    assert "Visit our shop for harbour maps." not in texts(on_site)


def test_adblock_filters_and_their_exceptions(tmp_path: Path) -> None:
    filters = tmp_path / "house.txt"
    filters.write_text(
        "! house filters\n##.promo-strip\nledger.example#@#.promo-strip\n", encoding="utf-8"
    )
    rules = compile_selectors(load_rules(filters))
    html = page(
        paragraphs(BODY[:2])
        + '<div class="promo-strip">Win a weekend at the lighthouse!</div>'
        + paragraphs(BODY[2:])
    )
    elsewhere = extract(html, url="https://other.example/story", selectors=rules)
    excepted = extract(html, url="https://news.ledger.example/story", selectors=rules)
    assert [r.rule_id for r in elsewhere.pruned] == ["adblock.house-2"]
    assert elsewhere.pruned[0].category == "advertisement"
    assert excepted.pruned == []


def test_a_selector_never_prunes_the_article_it_would_swallow() -> None:
    html = (
        '<html><head><title>t</title></head><body class="story"><div class="content">'
        + paragraphs()
        + '</div><div class="content">Share this story</div></body></html>'
    )
    rules = selector_rules(("navigation.bad", [".content", "html", "body.story"]))
    result = extract(html, selectors=rules)
    assert [r.text for r in result.pruned] == ["Share this story"]
    assert texts(result)[:5] == BODY


# --- blocks and their features ----------------------------------------------------------------


def test_block_kinds_levels_and_links() -> None:
    body = (
        paragraphs(BODY[:1])
        + '<p><a href="/news/lighthouse-reopens">Lighthouse Reopens After Long Repairs</a></p>'
        + paragraphs(BODY[1:2])
        + '<p><a href="https://www.ledger.example/sport/regatta">'
        + "Regatta Moves to the First Week of June</a></p>"
        + paragraphs(BODY[2:3])
        + '<p><a href="https://elsewhere.example/tides">Tide Tables for the Whole Coast</a></p>'
        + "<h2>What changes for passengers</h2>"
        + "<p>Tickets are sold on board and at the "
        '<a href="https://ferries.example/tickets">ferry office</a> on the quay.</p>'
        + "<ul><li>Earlier first crossing at half past five</li><li>Later last crossing</li></ul>"
        + "<h3>Costs</h3>"
        + "<blockquote><p>We listened to the island, and this is the result of that listening."
        + "</p></blockquote>"
        + "<table><tr><th>Route</th><th>Fare</th></tr><tr><td>Island</td><td>4.50</td></tr></table>"
        + paragraphs(BODY[3:])
    )
    blocks = {b.text: b for b in extract(page(body)).blocks}
    internal = blocks["Lighthouse Reopens After Long Repairs"]
    assert (internal.is_link, internal.link_internal, internal.link_density) == (True, True, 1.0)
    assert (
        blocks["Regatta Moves to the First Week of June"].link_internal is True
    )  # absolute, same site
    assert blocks["Tide Tables for the Whole Coast"].link_internal is False
    mixed = blocks["Tickets are sold on board and at the ferry office on the quay."]
    assert not mixed.is_link and mixed.link_internal is None
    assert 0.15 < mixed.link_density < 0.35
    assert (
        blocks["What changes for passengers"].kind,
        blocks["What changes for passengers"].level,
    ) == ("h", 2)
    assert (blocks["Costs"].kind, blocks["Costs"].level) == ("h", 3)
    assert blocks["Earlier first crossing at half past five"].kind == "li"
    assert (
        blocks["We listened to the island, and this is the result of that listening."].kind
        == "quote"
    )
    assert blocks["Island | 4.50"].kind == "table"
    assert all(b.from_html for b in blocks.values())
    assert not any("](" in text or "[" in text for text in blocks)


def test_link_rows_are_told_from_sentences_with_links() -> None:
    """A row of links with only separators between them is a menu; the link count and the
    links-only flag let rules tell it from a sentence citing several pages."""
    body = etree.fromstring(
        '<body><p><ref target="/archive">Archive</ref> | <ref target="/letters">Letters</ref>'
        ' | <ref target="/map">Site map</ref></p>'
        '<p>Fares come from <ref target="/report">the report</ref>, '
        '<ref target="/census">the census</ref> and <ref target="/survey">a survey</ref>.</p>'
        '<p><ref target="/lighthouse">Lighthouse Reopens After Long Repairs</ref></p></body>'
    )
    menu, sentence, teaser = body_blocks(body, "https://ledger.example/news/ferry")
    assert (menu.links, menu.links_only, menu.is_link) == (3, True, False)
    assert (sentence.links, sentence.links_only) == (3, False)
    assert (teaser.links, teaser.links_only, teaser.is_link) == (1, True, True)


def test_blocks_carry_the_class_and_id_tokens_of_their_source_element() -> None:
    body = (
        '<div id="story" class="Article-Body">'
        + '<p class="lead intro">' + BODY[0] + "</p>"
        + paragraphs(BODY[1:3])
        + '<h2 class="section-title">What changes for passengers</h2>'
        + '<ul class="facts"><li>Earlier first crossing at half past five</li></ul>'
        + paragraphs(BODY[3:])
        + "</div>"
    )
    blocks = {b.text: b for b in extract(page(body)).blocks}
    assert blocks[BODY[0]].classes == ("lead", "intro", "article-body", "story")
    assert blocks[BODY[1]].classes == ("article-body", "story")
    assert blocks["What changes for passengers"].classes[0] == "section-title"
    assert blocks["Earlier first crossing at half past five"].classes == (
        "facts",
        "article-body",
        "story",
    )


def test_an_article_body_split_by_ad_rails_is_extracted_whole() -> None:
    def chunk(texts: Sequence[str]) -> str:
        return (
            '<div class="grid"><div class="article__body">'
            + paragraphs(texts)
            + '</div><div class="rail">Advertisement</div></div>'
        )

    html = (
        f"<html><head><title>{TITLE}</title></head><body><main><h1>{TITLE}</h1>"
        f'<div class="chunks">{chunk(BODY[:2])}{chunk(BODY[2:4])}{chunk(BODY[4:])}</div>'
        "</main></body></html>"
    )
    assert texts(extract(html)) == BODY


def test_posts_side_by_side_are_joined_when_only_the_first_wrapper_matched() -> None:
    # A blog's front page: trafilatura's first expression matches the first post's wrapper
    # (class "entry") and, for the later posts, only their body (the first match per parent).
    posts = "".join(
        f'<div class="entry"><h3>Post {n}</h3><div class="entry-content">'
        f"{paragraphs(BODY[n : n + 2])}</div></div>"
        for n in (0, 2, 4)
    )
    html = (
        f"<html><head><title>Harbour notes</title></head><body>"
        f'<div class="column">{posts}</div></body></html>'
    )
    root = lxml_html.document_fromstring(html)
    assert join_chunks(root) == 2
    result = texts(extract(html))
    assert all(text in result for text in BODY)


def test_the_baseline_fallback_reads_lines_and_leaves_out_form_controls() -> None:
    options = "".join(f"<option>Crossing at {h} o'clock</option>" for h in range(6, 12))
    html = (
        f"<html><head><title>{TITLE}</title></head><body><table><tr><td>"
        + "<br><br>".join(BODY)
        + f"<br><select>{options}</select></td></tr></table>"
        '<div class="comments"><div>A reader wrote that the ferry is always late.</div></div>'
        "</body></html>"
    )
    blocks = baseline_blocks(lxml_html.document_fromstring(html), None)
    assert [b.text for b in blocks] == BODY


def test_a_bare_page_keeps_what_extraction_leaves_out() -> None:
    # No links, so no site around the text: the paragraph printed twice is the page's text
    # twice (trafilatura drops a paragraph repeating the one before it; the baseline keeps it).
    lines = "\n".join(f"<p>{text}</p>" for text in (BODY[0], BODY[0], BODY[1]))
    html = page(f"<article>\n<h1>{TITLE}</h1>\n{lines}\n</article>")
    text = cleaner.Cleaner().clean_html(html).text
    assert text.count(BODY[0]) == 2 and BODY[1] in text
    # With a menu around it, the page is a site's page: what extraction leaves out stays out.
    menu = "".join(f'<a href="/{name}">{name}</a> ' for name in ("news", "sport", "weather"))
    with_menu = html.replace("<article>", f"<nav>{menu}</nav><article>", 1)
    assert cleaner.Cleaner().clean_html(with_menu).text.count(BODY[0]) == 1


def test_the_first_body_finder_takes_what_trafilaturas_expression_takes() -> None:
    from trafilatura.xpaths import BODY_XPATH

    assert first_body is not BODY_XPATH[0], "trafilatura's expression changed shape"
    # The first match among siblings only, matches nested in matches, every kind of clause,
    # tags the expression leaves out, and names that only look alike.
    html = (
        "<html><body>"
        '<div class="post">a</div><div class="entry">b</div>'
        '<section><p class="post-body">p</p><main id="story-article-body">c'
        '<div itemprop="articleBody">d</div></main><div class="post-text">e</div></section>'
        '<article id="articleContent"><div class="Post-Body">f</div>'
        '<div class="wide article__content x">g</div></article>'
        '<span class="articleText">h</span><div class="entry ">i</div><div class="entryx">j</div>'
        "</body></html>"
    )
    pages = [html, *(p.read_bytes() for p in sorted(FIXTURES.glob("*.html")))]
    for source in pages:
        root = lxml_html.document_fromstring(source)
        assert first_body(root) == BODY_XPATH[0](root)
    assert [e.text for e in first_body(lxml_html.document_fromstring(html))] == ["a", "c", "d", "g"]


def test_giving_a_block_its_classes_keeps_every_other_field() -> None:
    from dataclasses import MISSING, fields, replace

    from cleaner._model import Block, block_with_classes

    block = Block(
        "Fares rise in May", "h", level=3, link_density=0.5, is_link=True, link_internal=False,
        links=2, links_only=True, classes=("old",), from_html=True,
    )
    # every field differs from its default, so a field the copy forgets shows below
    assert all(getattr(block, f.name) != f.default for f in fields(Block) if f.default is not MISSING)
    assert block_with_classes(block, ("lead", "story")) == replace(block, classes=("lead", "story"))


def test_separate_posts_of_a_blog_index_are_not_joined() -> None:
    posts = "".join(
        f'<section><article><h2>Post {n}</h2><div class="entry-content"><p>{text}</p></div>'
        "</article></section>"
        for n, text in enumerate(BODY)
    )
    html = f"<html><head><title>Blog</title></head><body><main>{posts}</main></body></html>"
    root = lxml_html.document_fromstring(html)
    assert join_chunks(root) == 0


def test_words_around_links_keep_their_spaces() -> None:
    body = (
        paragraphs(BODY[:3])
        + (
            '<p><strong><a href="https://shop.example">Harbour Books</a></strong> '
            "is selling the new "
            'tide almanac, and <a href="/maps">the maps</a> come free with it.</p>'
        )
        + paragraphs(BODY[3:])
    )
    assert (
        "Harbour Books is selling the new tide almanac, and the maps come free with it."
        in texts(extract(page(body)))
    )


def test_line_breaks_split_a_paragraph_unless_they_wrap_a_sentence() -> None:
    body = (
        paragraphs(BODY[:3])
        + (
            "<p>Photo: Jane Harlow<br>The ferry leaves the island at dawn.</p>"
            "<p>The council will meet again<br>in the spring to review the timetable.</p>"
        )
        + paragraphs(BODY[3:])
    )
    result = texts(extract(page(body)))
    assert "Photo: Jane Harlow" in result and "The ferry leaves the island at dawn." in result
    assert "The council will meet again in the spring to review the timetable." in result


def test_code_keeps_its_lines() -> None:
    body = (
        paragraphs(BODY[:3])
        + "<pre><code>def fare(age):\n    return 4.5</code></pre>"
        + paragraphs(BODY[3:])
    )
    [code] = [b for b in extract(page(body)).blocks if b.kind == "pre"]
    assert code.text == "def fare(age):\n    return 4.5"


# --- headline and metadata --------------------------------------------------------------------

META = (
    '<meta name="author" content="Maria Olsen">'
    '<meta property="og:site_name" content="The Harbour Ledger">'
    '<meta property="article:published_time" content="2024-03-12T08:15:00+01:00">'
    '<meta name="description" content="The council settles on a new timetable.">'
)


def test_the_headline_is_not_repeated_in_the_body() -> None:
    result = extract(page(f"<h1>{TITLE}</h1>" + paragraphs(), head=META))
    assert texts(result) == BODY
    assert result.metadata["title"] == TITLE


def test_the_visible_headline_wins_over_a_shorter_social_title() -> None:
    head = META + '<meta property="og:title" content="Ferry timetable approved">'
    result = extract(
        page(f"<h1>{TITLE}</h1>" + paragraphs(), head=head, title="Ferry timetable approved")
    )
    assert TITLE not in texts(result)
    assert result.metadata["title"] == TITLE


def test_a_kicker_above_the_headline_goes_with_it() -> None:
    result = extract(page(f"<p>Transport</p><h1>{TITLE}</h1>" + paragraphs()))
    assert texts(result) == BODY
    assert [(r.rule_id, r.text) for r in result.pruned] == [
        ("navigation.above-headline", "Transport")
    ]


def test_a_body_paragraph_is_never_taken_for_the_headline() -> None:
    truncated = " ".join(BODY[0].split()[:8]) + " …"  # a <title> made from the first words
    result = extract(page(paragraphs(), title=truncated))
    assert texts(result) == BODY


def test_metadata() -> None:
    result = extract(page(f"<h1>{TITLE}</h1>" + paragraphs(), head=META, lang="en-GB"))
    meta = result.metadata
    assert meta["author"] == "Maria Olsen"
    assert meta["sitename"] == "The Harbour Ledger"
    assert meta["date"] == "2024-03-12"
    assert meta["language"] == "en"
    assert meta["url"] == "https://ledger.example/news/ferry"
    assert meta["description"] == "The council settles on a new timetable."


def test_date_from_the_url_and_site_name_from_the_host() -> None:
    result = extract(page(paragraphs()), url="https://www.ledger.example/2023/07/04/ferry-story/")
    assert (result.metadata["date"], result.metadata["sitename"]) == (
        "2023-07-04",
        "ledger.example",
    )


# --- pages that are not articles --------------------------------------------------------------


def index_page() -> str:
    items = "".join(
        f'<li><a href="/news/story-{n}">Harbour News Story Number {n} With a Long Headline</a></li>'
        for n in range(25)
    )
    return page(f"<h1>Latest news</h1><ul>{items}</ul>", title="Latest news")


def test_an_index_of_links_has_an_empty_body_and_a_reason() -> None:
    result = extract(index_page(), url="https://ledger.example/news/")
    assert result.blocks == []
    assert result.reason == "not an article: mostly links (an index, category or tag page)"


def test_search_results_are_named_as_such() -> None:
    result = extract(index_page(), url="https://ledger.example/search?q=ferry")
    assert (result.blocks, result.reason) == ([], "not an article: search results")


def test_a_login_wall_has_an_empty_body_and_a_reason() -> None:
    form = (
        '<form action="/login"><p>Please sign in to keep reading.</p>'
        '<input type="text" name="user"><input type="password" name="pw">'
        "<button>Sign in</button></form>"
    )
    result = extract(page(f"<h1>{TITLE}</h1><p>The council met on Tuesday.</p>" + form))
    assert result.blocks == []
    assert result.reason == "not an article: a login form (password field) with little text"


def test_an_article_with_a_login_box_in_the_header_is_still_an_article() -> None:
    html = page(paragraphs()).replace(
        "<body>", '<body><div class="login"><input type="password" name="pw"></div>'
    )
    result = extract(html)
    assert result.reason is None and texts(result) == BODY


def test_a_page_without_content_says_so() -> None:
    result = extract("<html><head><title>x</title></head><body><div></div></body></html>")
    assert (result.blocks, result.reason) == ([], "no main content found")


# --- through the Cleaner ----------------------------------------------------------------------


def test_a_link_to_an_own_article_among_body_is_a_teaser_a_link_elsewhere_is_not(
    default_cleaner: cleaner.Cleaner,
) -> None:
    own = "Lighthouse Reopens After Two Years of Repairs"
    elsewhere = "Harbour Tide Tables for the Whole Coast"
    html = page(
        paragraphs(BODY[:2])
        + f'<p><a href="https://ledger.example/news/lighthouse">{own}</a></p>'
        + paragraphs(BODY[2:4])
        + f'<p><a href="https://tides.example/coast">{elsewhere}</a></p>'
        + paragraphs(BODY[4:])
    )
    result = default_cleaner.clean_html(html, url="https://ledger.example/news/ferry")
    dropped = {r.text: r.rule_id for r in result.removed}
    assert dropped.get(own) == "teaser.link-among-body"
    assert elsewhere in result.text


def test_a_headline_shaped_block_without_a_link_is_a_subheading_on_a_web_page(
    default_cleaner: cleaner.Cleaner,
) -> None:
    headline = "Mayor Who Banned Leaf Blowers Now Faces Recall Vote: 'We Were Never Asked'"
    linked = (
        '<p><a href="/news/recall">Mayor Who Banned Leaf Blowers</a> Now Faces Recall Vote: '
        "'We Were Never Asked'</p>"
    )
    plain = page(paragraphs(BODY[:3]) + f"<p>{headline}</p>" + paragraphs(BODY[3:]))
    teaser = page(paragraphs(BODY[:3]) + linked + paragraphs(BODY[3:]))
    url = "https://ledger.example/news/ferry"
    assert headline in default_cleaner.clean_html(plain, url=url).text
    removed = default_cleaner.clean_html(teaser, url=url).removed
    assert [(r.text, r.rule_id) for r in removed] == [(headline, "teaser.inline-headline")]


def test_clean_html_end_to_end(default_cleaner: cleaner.Cleaner) -> None:
    html = page(
        f"<h1>{TITLE}</h1>"
        + paragraphs(BODY[:3])
        + '<div class="breadcrumbs">Home &gt; News &gt; Transport</div>'
        + paragraphs(BODY[3:]),
        head=META,
    )
    result = default_cleaner.clean_html(
        html.encode("utf-8"), url="https://ledger.example/news/ferry"
    )
    assert result.text == "\n\n".join(BODY)
    assert result.title == TITLE and result.reason is None
    assert [r.rule_id for r in result.pruned] == ["navigation.breadcrumbs"]
    assert result.to_dict()["metadata"]["author"] == "Maria Olsen"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")), ids=lambda p: p.stem)
def test_fixture_pages(default_cleaner: cleaner.Cleaner, path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = extract_page(path.read_bytes(), url=None, selectors=default_cleaner._selectors)
    assert result.reason is None
    assert result.metadata["title"] == expected["title"]
    got = texts(result)
    assert [p for p in expected["body_paragraphs"] if p not in got] == []


# --- the time limit ---------------------------------------------------------------------------


def test_time_limit_raises_clean_timeout_and_restores_the_signal_handler() -> None:
    html = page(paragraphs() * 200)
    with pytest.raises(CleanTimeout, match="time limit"):
        extract_page(html, url=None, selectors=(), time_limit=1e-9)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert extract_page(html, url=None, selectors=(), time_limit=60).blocks
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_block_edges_inside_an_item_separate_words() -> None:
    """A list item holding a heading and a paragraph reads as words with spaces between,
    however the markup runs on ("Tide tables" + "Printed daily" is not "tablesPrinted")."""
    body = etree.fromstring(
        '<body><list><item><head rend="h3">Tide tables</head><p>Printed daily at the quay.</p>'
        '<ref target="/tides">More about tides</ref></item></list></body>'
    )
    (item,) = body_blocks(body, None)
    assert item.text == "Tide tables Printed daily at the quay. More about tides"
