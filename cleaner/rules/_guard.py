"""The guard against rules that remove the body: every rule is run, as it will run, on short
articles of ordinary body paragraphs (written for this project, in several languages), and a
rule that removes more than half of their text is refused. It replaces guessing from a
pattern's shape: ``e`` with ``max_words = 0``, ``\\pL{3}`` or the selector ``p`` all fail it."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

from .._errors import RuleError
from .._model import Cleaned
from ._rule import Rule


class Cleans(Protocol):
    """What the guard needs of a cleaner (the pipeline's ``Cleaner``, passed in by the caller so
    this layer does not reach up to it)."""

    def clean_text(self, text: str) -> Cleaned: ...
    def clean_html(self, html: str) -> Cleaned: ...


Build = Callable[[Sequence[Rule]], Cleans]
"""Makes a cleaner that runs only the given rules."""

LIMIT = 0.5
"""The largest share of the body paragraphs' text one rule may remove."""

ARTICLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "en": ("Town Library Reopens After Two Years of Repairs", (
        "The town library opened its doors again on Monday after two years of repairs to the roof "
        "and the heating.",
        "Staff spent the last month moving more than forty thousand books back onto the shelves.",
        "A new reading room on the first floor looks out over the river and the old stone bridge.",
        "The repairs cost less than the council had planned, because the walls were in better "
        "shape than expected.",
        "Opening hours will be longer on Thursdays, when the library stays open until nine in the "
        "evening.",
        "Children from the primary school next door were the first visitors of the morning.",
    )),
    "de": ("Neue Buslinie verbindet die Dörfer im Tal", (
        "Seit dieser Woche fährt eine neue Buslinie stündlich durch die fünf Dörfer im Tal.",
        "Die Gemeinden hatten lange darüber gestritten, wer die Kosten für den Betrieb trägt.",
        "Am Ende teilen sich das Land und die Gemeinden die Ausgaben für die ersten drei Jahre.",
        "Viele ältere Bewohner sind froh, dass sie nun ohne Auto zum Arzt in die Stadt kommen.",
        "Am Wochenende fahren die Busse seltener, dafür aber bis spät in den Abend.",
        "Der Verkehrsverbund will im Herbst prüfen, wie gut die Linie angenommen wird.",
    )),
    "fr": ("Le marché couvert rouvre ses portes au centre-ville", (
        "Après huit mois de travaux, le marché couvert a rouvert ses portes samedi matin.",
        "Les commerçants ont retrouvé leurs places sous la grande charpente de bois rénovée.",
        "La mairie a profité du chantier pour refaire l'éclairage et agrandir les allées.",
        "Plusieurs producteurs des environs vendent désormais leurs légumes deux jours par "
        "semaine.",
        "Les habitants du quartier étaient nombreux à venir faire leurs courses dès l'ouverture.",
        "Une fête est prévue le mois prochain pour célébrer la fin des travaux.",
    )),
    "es": ("El puerto amplía su muelle para los barcos de pesca", (
        "Las obras de ampliación del muelle de pesca comenzaron esta semana en el puerto.",
        "Los pescadores llevaban años pidiendo más espacio para descargar sus capturas.",
        "El proyecto añade ochenta metros de muelle y una nueva lonja junto al faro.",
        "Según la autoridad portuaria, los trabajos terminarán antes del próximo invierno.",
        "Durante las obras, los barcos usarán de forma provisional el muelle de pasajeros.",
        "La cofradía espera que la nueva lonja atraiga a más compradores de la comarca.",
    )),
    "it": ("Il ponte sul fiume riapre dopo i lavori di restauro", (
        "Il vecchio ponte sul fiume è stato riaperto al traffico dopo un anno di lavori.",
        "Gli operai hanno sostituito le travi di ferro e rinforzato i piloni di pietra.",
        "Durante la chiusura gli abitanti dovevano fare un giro di dieci chilometri.",
        "Il comune ha deciso di riservare una corsia alle biciclette e ai pedoni.",
        "I negozianti della piazza vicina sperano di rivedere presto i loro clienti.",
        "Una piccola cerimonia con la banda del paese ha accompagnato la riapertura.",
    )),
    "nl": ("Nieuwe fietsbrug over het kanaal geopend", (
        "Sinds vrijdag kunnen fietsers en voetgangers over de nieuwe brug over het kanaal.",
        "De brug vervangt een oude pont die er bijna honderd jaar heeft gevaren.",
        "Scholieren uit de dorpen aan de overkant besparen zo elke dag een kwartier.",
        "De bouw duurde langer dan gepland door de natte winter en een tekort aan staal.",
        "De gemeente plant langs beide oevers nog bomen en zet er bankjes neer.",
        "Bij de opening fietste de burgemeester als eerste over de brug.",
    )),
    "pt": ("Escola da aldeia ganha uma nova horta", (
        "Os alunos da escola da aldeia plantaram esta semana as primeiras sementes da nova horta.",
        "O terreno foi cedido por uma família que vive ao lado da escola há muitos anos.",
        "Cada turma vai cuidar de um canteiro e registar o crescimento das plantas.",
        "Os professores dizem que a horta ajuda a ensinar ciências de uma forma prática.",
        "Parte dos legumes será usada nas refeições servidas na cantina da escola.",
        "No fim do ano letivo, os pais serão convidados para uma feira de produtos da horta.",
    )),
}


def overreaching(rules: Sequence[Rule], build: Build) -> list[RuleError]:
    """An error for each rule that removes more than half of an article's body paragraphs;
    ``build`` makes a cleaner of some rules alone."""
    shares = _shares(rules, build)
    return [RuleError(f"removes {shares[rule.id]:.0%} of the text of an ordinary article (more "
                      f"than {LIMIT:.0%} is refused): it would remove the body of most pages",
                      path=rule.path, line=rule.line, rule_id=rule.id)
            for rule in rules if shares.get(rule.id, 0.0) > LIMIT]


def _shares(rules: Sequence[Rule], build: Build) -> dict[str, float]:
    """For each rule that removes any of it, the largest share of one article's paragraph text
    it removes (a rule for one language is measured on that language's article)."""
    shares: dict[str, float] = {}
    text_rules = [r for r in rules if not r.selectors]
    if text_rules:
        cleaner = build(text_rules)
        for title, paragraphs in ARTICLES.values():
            cleaned = cleaner.clean_text("\n\n".join((title, *paragraphs)) + "\n")
            removed: Counter[str] = Counter()
            for removal in cleaned.removed:
                removed[removal.rule_id] += len(removal.text)
            total = sum(map(len, paragraphs)) + len(title)
            for rule_id, chars in removed.items():
                shares[rule_id] = max(shares.get(rule_id, 0.0), chars / total)
    selector_rules = [r for r in rules if r.selectors]
    if selector_rules:
        base = _baseline(build)
        if _removed_html(build(selector_rules), base) > LIMIT:  # together, then one by one
            shares.update({rule.id: _removed_html(build([rule]), base)
                           for rule in selector_rules})
    return shares


def _removed_html(cleaner: Cleans, baseline: tuple[int, ...]) -> float:
    """The largest share of one page's paragraph text that ``cleaner``'s selector rules prune."""
    return max(max(0.0, 1 - len(cleaner.clean_html(page).text) / base)
               for page, base in zip(_pages(), baseline, strict=True))


@lru_cache(maxsize=1)
def _pages() -> tuple[str, ...]:
    return tuple(_page(title, paragraphs) for title, paragraphs in ARTICLES.values())


def _baseline(build: Build) -> tuple[int, ...]:
    """How much of each page is kept with no rules at all."""
    cleaner = build(())
    return tuple(max(1, len(cleaner.clean_html(page).text)) for page in _pages())


def _page(title: str, paragraphs: tuple[str, ...]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article></body></html>")
