"""The key-figure templates render what their page models hold, the Norwegian way, in both languages.

The models are built here by hand (the values typed in the test), so each assertion says what a person
reading the page must see: the value or its symbol with the reason, numerator and denominator, each input
with its status, version, edit and estimate, and the units an aggregate covers, each linked.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from kostra.web.i18n import Lang, translate
from kostra.web.keyfigure_models import (
    CoveredUnit,
    FigureRef,
    InputEdit,
    InputEstimate,
    InputValue,
    LineagePage,
    PortalFigure,
    PortalHit,
    PortalKeyfiguresPage,
)
from kostra.web.pages import templates

NBSP = "\u00a0"
FIGURE = FigureRef(id="BOLIG1000", title_nb="Kommunale boliger per 1 000 innbyggere",
                   title_en="Municipal dwellings per 1,000 inhabitants", unit="per 1 000 innbyggere", decimals=1)


def _render(template: str, model: object, lang: Lang = "nb") -> str:
    environment = templates().env
    return environment.get_template(template).render(model=model, lang=lang, t=lambda key: translate(key, lang),
                                                     other_lang="en", user="statistiker", role="statistician",
                                                     csrf="x")


def _text(html: str) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # the no-break spaces stay


def _aggregate() -> LineagePage:
    return LineagePage(
        year=2025, figure=FIGURE, region="EKG07", region_name="KOSTRA-gruppe 7", aggregate=True, value=19.3,
        numerator=1234.0, denominator=63_918.0, units_covered=2, units_estimated=1, units_total=35,
        inputs=[
            InputValue(side="numerator", source="13", field="kommunalt_eide_boliger", unit_code="3401", value=400,
                       status="edited", version=2, submitted_at=datetime(2026, 2, 1, 11, 30, tzinfo=UTC),
                       edit=InputEdit(reported="4000", reason="tusenfeil", by="statistiker")),
            InputValue(side="numerator", source="13", field="kommunalt_eide_boliger", unit_code="3405", value=834,
                       status="estimated", estimate=InputEstimate(method="ratio", model="population, EKG07")),
            InputValue(side="denominator", source="population", field="0-120 år 1.1.2025", unit_code="3401",
                       value=18_203, status="reported"),
        ],
        covered=[CoveredUnit(code="3401", name="Kongsvinger", href="/keyfigures/2025/BOLIG1000/3401"),
                 CoveredUnit(code="3405", name="Lillehammer", estimated=True, href="/keyfigures/2025/BOLIG1000/3405")])


def test_the_lineage_page_says_why_the_number_is_what_it_is() -> None:
    text = _text(_render("keyfigures/lineage.html", _aggregate()))
    assert "Kommunale boliger per 1 000 innbyggere" in text
    assert "19,3 per 1 000 innbyggere" in text.replace(NBSP, " ")
    assert f"1{NBSP}234" in text and f"63{NBSP}918" in text  # numerator and denominator
    assert "rettet fra 4000: tusenfeil (statistiker" in text and "01.02.2026 kl. 12:30" in text  # Oslo time
    assert "anslått med ratio (population, EKG07)" in text
    assert "2 av 35 enheter har verdi; anslått: 1" in text


def test_the_lineage_page_links_each_covered_unit_to_its_own_page() -> None:
    html = _render("keyfigures/lineage.html", _aggregate())
    assert '<a href="/keyfigures/2025/BOLIG1000/3401">3401 Kongsvinger</a>' in html
    assert '<a href="/keyfigures/2025/BOLIG1000/3405">3405 Lillehammer</a> <small>(anslått)</small>' in html


def test_a_missing_value_shows_its_symbol_and_reason_never_zero() -> None:
    page = LineagePage(year=2025, figure=FIGURE, region="3401", region_name="Kongsvinger", aggregate=False,
                       value=None, symbol=".", reason="nevneren er 0", numerator=3, denominator=0)
    html = _render("keyfigures/lineage.html", page)
    assert '<abbr class="kf-symbol" title="nevneren er 0">.</abbr>' in html
    assert "0,0" not in _text(html)


def test_the_portal_page_shows_the_hits_behind_an_outlier_with_a_link_to_the_form() -> None:
    figure = PortalFigure(figure=FIGURE, value=219.7, group_value=19.3, inputs=["13:kommunalt_eide_boliger"],
                          hits=[PortalHit(rule="13-HB", severity="WARNING", label_nb="Stor endring fra i fjor",
                                          label_en="Large change from last year", message="", form_id="13",
                                          fields=["kommunalt_eide_boliger"], href="/portal/2025/13/3401")],
                          href="/keyfigures/2025/BOLIG1000/3401")
    calm = PortalFigure(figure=FIGURE.model_copy(update={"id": "OTHER"}), value=None, symbol="..", group_value=2.5,
                        href="/keyfigures/2025/OTHER/3401")
    page = PortalKeyfiguresPage(year=2025, unit_code="3401", unit_name="Kongsvinger", group="EKG07",
                                group_name="KOSTRA-gruppe 7", figures=[figure, calm])
    html = _render("portal/keyfigures.html", page)
    assert 'id="kf-BOLIG1000" class="kf-outlier"' in html
    assert "<code>13:kommunalt_eide_boliger</code>" in html and '<a href="/portal/2025/13/3401">' in html
    assert "219,7" in html and "19,3" in html
    english = _text(_render("portal/keyfigures.html", page, "en"))
    assert "Your key figures as they will be published" in english and "Large change from last year" in english
