"""Plausible answers to the web forms (1, 4, 5, 7, 13, PSYK), scaled by each unit's population.

Every unit draws its random numbers in a fixed order from a generator seeded by (seed, unit), so the
two years of the demo share the same choices and differ only by a small yearly drift of the sizes:
last year's answers stay within the "change since last year" rules. The values satisfy the form
definitions (types, limits, ``applies_when``) and the ERROR rules of ``definitions/<year>/rules``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from functools import lru_cache

from kostra.catalog.forms import Form, load_catalog
from kostra.catalog.validation import Unit, condition_holds
from kostra.demo.units import DemoUnit
from kostra.reference import regions

__all__ = ["WEB_FORMS", "fit_to_form", "form_answers", "unit_answers"]

WEB_FORMS = ("1", "4", "5", "7", "13", "PSYK")
_FIRST = ("Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Per", "Nina", "Jon", "Hanne", "Arne", "Marit", "Espen")
_LAST = ("Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lie", "Moen")
Answers = dict[str, object]


class _Draw:
    """Random draws for one unit, with the year's drift applied to sizes."""

    def __init__(self, seed: int, unit: DemoUnit, year: int, base_year: int) -> None:
        self.rng = random.Random(f"answers-{seed}-{unit.code}")
        growth = self.rng.uniform(-0.03, 0.05)
        self.scale = 1 + growth * (year - base_year)
        self.per1000 = (unit.population or 0) / 1000 * self.scale
        self.elderly = unit.elderly * self.scale

    def count(self, size: float, low: float = 0.7, high: float = 1.3, minimum: int = 0) -> int:
        return max(minimum, round(size * self.rng.uniform(low, high)))

    def fte(self, size: float, minimum: float = 0.1, places: int = 2) -> float:
        return round(max(minimum, size * self.rng.uniform(0.8, 1.2)), places)

    def yes(self, share: float) -> bool:
        return self.rng.random() < share

    def person(self, unit: DemoUnit) -> tuple[str, str]:
        first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
        slug = "".join(c for c in unit.name.lower().split(" ")[0] if c.isalnum()) or unit.code
        return f"{first} {last}", f"{first.lower()}.{last.lower()}@{slug}.kommune.no"


def _form1(d: _Draw, unit: DemoUnit) -> Answers:
    name, mail = d.person(unit)
    p, old = d.per1000, d.elderly
    psychologist = d.yes(0.9)
    return {
        "ansvarlig_navn": name, "ansvarlig_epost": mail,
        "legetimer_f232": d.fte(p * 0.8, 0.5, 1), "legetimer_f233": d.fte(p * 0.3, 0.2, 1),
        "legetimer_f241": d.fte(p * 8, 2, 1), "legetimer_f253": d.fte(old * 0.03, 0.5, 1),
        "legetimer_f256": d.fte(p * 0.4, 0.2, 1), "legetimer_hjemmetjenester": d.fte(p * 0.1, 0.1, 1),
        "antall_leger": d.count(p * 0.9, 0.9, 1.1, minimum=1),
        "legevakt_organisering": d.rng.choice("1234"),
        "fysioterapitimer_f232": d.fte(p * 0.5, 0.5, 1), "fysioterapitimer_f241": d.fte(p * 3, 1, 1),
        "fysioterapitimer_f253": d.fte(old * 0.02, 0.5, 1),
        "fysioterapitimer_hjemmetjenester": d.fte(p * 0.4, 0.2, 1),
        "jordmor_ansatt": d.yes(0.9) or p > 3, "jordmor_aarsverk": d.fte(p / 12, 0.2),
        "helsesykepleier_aarsverk": d.fte(p / 2.5, 0.5),
        "hjemmebesok_10_dager": d.yes(0.8), "helsestasjon_ungdom": d.yes(0.85),
        "frisklivssentral": d.yes(0.85), "frisklivssentral_aarsverk": d.fte(p / 25, 0.3),
        "frisklivssentral_interkommunal": d.yes(0.2),
        "frisklivstilbud": sorted(d.rng.sample(["fysisk_aktivitet", "kosthold", "tobakk", "sovn"], 2)),
        "laerings_mestringstilbud": d.yes(0.7),
        "psykologkompetanse": psychologist, "psykolog_aarsverk": d.fte(p / 8, 0.5),
        "psykolog_malgrupper": sorted(d.rng.sample(["barn_unge", "voksne", "eldre", "rus"], 2)),
    }


def _residents(d: _Draw) -> list[dict[str, object]]:
    shares = {"0-17": 0.05, "18-49": 0.3, "50-66": 0.25, "67-79": 0.15, "80-89": 0.15, "90+": 0.1}
    total = d.per1000 * 2
    return [{"aldersgruppe": group, "menn": d.count(total * share / 2, 0.6, 1.4),
             "kvinner": d.count(total * share / 2, 0.6, 1.4)} for group, share in shares.items()]


def _form4(d: _Draw, unit: DemoUnit) -> Answers:
    name, mail = d.person(unit)
    p, old = d.per1000, d.elderly
    rows = _residents(d)
    survey = d.yes(0.6)
    return {
        "dagplasser_demens": d.count(old * 0.03), "dagplasser_eldre": d.count(old * 0.02),
        "dagplasser_utviklingshemming": d.count(p * 0.5), "dagplasser_psykisk_helse": d.count(p * 0.3),
        "dagplasser_rus": d.count(p * 0.1), "dagaktivitet_demens_dager": d.rng.randint(2, 5),
        "beboere_heldogn": rows,
        "beboere_heldogn_i_alt": sum(int(r["menn"]) + int(r["kvinner"]) for r in rows),  # type: ignore[call-overload]
        "system_brukerundersokelse_institusjon": survey or d.yes(0.5),
        "system_brukerundersokelse_hjemmetjeneste": d.yes(0.5),
        "brukerundersokelse_gjennomfort": survey,
        "brukerundersokelse_verktoy": d.rng.choice(["bedrekommune", "eget", "annet"]),
        "egenbetaling_abonnement_under_2g": d.rng.randint(150, 230),
        "egenbetaling_praktisk_bistand_time": d.rng.randint(200, 450),
        "egenbetaling_trygghetsalarm": d.rng.randint(200, 450),
        "egenbetaling_middag": round(d.rng.uniform(80, 150), 2),
        "egenbetaling_korttid_dogn": d.rng.randint(180, 190),
        "ansvarlig_navn": name, "ansvarlig_epost": mail,
    }


def _form7(d: _Draw, unit: DemoUnit) -> Answers:
    name, mail = d.person(unit)
    p = d.per1000
    rus = d.count(p * 0.2)
    return {
        "bydelsnummer": unit.code[-2:], "ansvarlig_navn": name, "ansvarlig_epost": mail,
        "ansvarlig_telefon": f"+47 {d.rng.randint(20000000, 99999999)}",
        "okonomisk_radgivning_aarsverk": d.fte(p / 16, 0.2), "gjeldsradgivning_saker": d.count(p * 1.5),
        "okonomisk_radgivning_saker": d.count(p * 4), "interkommunalt_nav": d.yes(0.2),
        "ventetid_gjeldsradgivning": d.rng.randint(1, 60),
        "vedtak_kjop_rustiltak": d.count(p * 0.3), "vedtak_midlertidige_tiltak": d.count(p * 0.5),
        "nyinnflyttede_psykiske": d.count(p * 0.2), "nyinnflyttede_rus": rus,
        "nyinnflyttede_rus_psykisk": round(rus * d.rng.uniform(0.2, 0.6)),
        "venteliste_psykiske": d.count(p * 0.1), "venteliste_rus": d.count(p * 0.1),
        "oppsokende_team": d.yes(0.6),
    }


def _form13(d: _Draw, unit: DemoUnit) -> Answers:
    name, _ = d.person(unit)
    p = d.per1000
    owned = d.count(p * 9, 0.8, 1.2, minimum=2)
    rented, user_owned = round(owned * d.rng.uniform(0.05, 0.2)), round(owned * d.rng.uniform(0.02, 0.1))
    total = owned + rented + user_owned
    new, renewed = d.count(p * 3, minimum=1), d.count(p * 1)
    return {
        "kommunalt_eide_boliger": owned, "privat_eide_utleie": rented, "privat_eide_brukereid": user_owned,
        "kommunalt_disponerte_boliger": total, "rullestoltilgjengelige": round(total * d.rng.uniform(0.3, 0.6)),
        "omsorgsboliger": min(total, d.count(p * 5)), "nye_boliger": round(total * d.rng.uniform(0, 0.04)),
        "avhendede_boliger": round(total * d.rng.uniform(0, 0.03)), "soknader_nye": new,
        "soknader_fornyelse": renewed, "avslag": round((new + renewed) * d.rng.uniform(0.1, 0.4)),
        "husstander_tildelt": round((new + renewed) * d.rng.uniform(0.3, 0.6)),
        "venteliste_tilrettelagt": d.count(p * 0.2), "gjengs_leie": d.yes(0.6),
        "husleie_gjennomsnitt": d.rng.randint(6000, 12000), "tidsbegrensede_kontrakter": d.yes(0.8),
        "kontraktslengde": d.rng.choice("123"), "midlertidig_botilbud_husstander": d.count(p * 0.5),
        "ansvarlig_navn": name,
    }


_ADULT = ("aarsverk_voksne_bolig", "aarsverk_voksne_aktivitet", "aarsverk_voksne_behandling",
          "aarsverk_voksne_koordinering", "aarsverk_voksne_andre")
_CHILD = ("aarsverk_barn_skole_helsestasjon", "aarsverk_barn_behandling", "aarsverk_barn_andre")
_EDUCATION = ("aarsverk_psykiatrisk_sykepleier", "aarsverk_vernepleier_sosionom", "aarsverk_annen_helsefaglig",
              "aarsverk_lege", "aarsverk_annen_hoyere", "aarsverk_uten_hoyere")


def _psyk_ftes(d: _Draw, psychologists: float) -> Answers:
    sizes = (0.45, 0.3, 0.2, 0.1, 0.1, 0.15, 0.1, 0.05)
    by_task = {name: d.fte(d.per1000 * size, 0.05) for name, size in zip(_ADULT + _CHILD, sizes, strict=True)}
    total = round(sum(by_task.values()), 2)
    psychologist = round(min(total * 0.05, psychologists), 2)
    shares = (0.35, 0.2, 0.15, 0.03, 0.12)
    by_education = {name: round((total - psychologist) * share * d.rng.uniform(0.9, 1.1), 2)
                    for name, share in zip(_EDUCATION, shares, strict=False)}
    # The last education group takes the remainder, so the two breakdowns add up to the same total.
    by_education["aarsverk_uten_hoyere"] = round(total - psychologist - sum(by_education.values()), 2)
    if by_education["aarsverk_uten_hoyere"] < 0:
        by_education["aarsverk_annen_helsefaglig"] += by_education["aarsverk_uten_hoyere"]
        by_education["aarsverk_uten_hoyere"] = 0.0
    further = (by_education["aarsverk_psykiatrisk_sykepleier"] + by_education["aarsverk_vernepleier_sosionom"])
    return {**by_task, **by_education, "aarsverk_psykolog": psychologist,
            "aarsverk_videreutdanning": round(further * d.rng.uniform(0.3, 0.7), 2)}


def _psyk(d: _Draw, unit: DemoUnit, psychologists: float) -> Answers:
    p = d.per1000
    return {
        "brukermedvirkning_1000kr": d.count(p * 1.5, 0.3, 2.0, minimum=1), **_psyk_ftes(d, psychologists),
        "stottekontakt_voksne": d.count(p * 1.2), "stottekontakt_barn": d.count(p * 0.6),
        "omsorgslonn_mottakere": d.count(p * 0.5), "avlastning_mottakere": d.count(p * 0.4),
        "kjopte_dognplasser": d.count(p * 0.05), "fastlege_samarbeid": d.rng.choice("1234"),
        "organisering": d.rng.choice("1234"), "eget_team": d.yes(0.7), "interkommunalt_samarbeid": d.yes(0.3),
        "individuell_plan_voksne": d.count(p * 0.8), "individuell_plan_barn": d.count(p * 0.3),
        "koordinerende_enhet": d.yes(0.95), "koordinator_opplaering": d.yes(0.8),
        "avgrensning_rus": d.rng.choice("123"),
    }


@lru_cache(maxsize=4)
def _municipality_codes(year: int) -> tuple[str, ...]:
    return tuple(r.code for r in regions(year, "kommune"))


def _buyers(d: _Draw, unit: DemoUnit, places: int, year: int) -> list[dict[str, object]]:
    others = [c for c in _municipality_codes(year) if c != unit.municipality_code]
    first = max(1, round(places * d.rng.uniform(0.4, 1.0)))
    rows = [{"kommunenr": d.rng.choice(others), "plasser": min(first, places)}]
    if places > first:
        rows.append({"kommunenr": d.rng.choice(others), "plasser": places - first})
    return rows


def _form5(d: _Draw, unit: DemoUnit, year: int) -> Answers:
    name, mail = d.person(unit)
    kind = d.rng.choices(["sykehjem", "aldershjem", "avlastning"], weights=[85, 10, 5])[0]
    offers = [kind, "kad"] if kind == "sykehjem" and d.yes(0.2) else [kind]
    places = d.count(d.elderly * 0.1, minimum=4)
    shared = round(places * d.rng.uniform(0, 0.05))
    single = max(1, places - 2 * shared - d.rng.randint(0, 2))
    long_term = round(places * d.rng.uniform(0.6, 0.8))
    short = d.rng.randint(0, places - long_term)
    parts = {key: int(short * share) for key, share in (
        ("plasser_rehabilitering", 0.3), ("plasser_utredning", 0.15), ("plasser_avlastning", 0.15),
        ("plasser_kad", 0.1), ("plasser_rus_behandling", 0.05), ("plasser_lindrende", 0.1))}
    sold = max(1, round(places * d.rng.uniform(0.05, 0.2)))
    selling = d.yes(0.1)
    return {
        "institusjonsnavn": unit.name, "orgnr": unit.code,
        "naeringskode": "87.102" if kind == "sykehjem" else "87.301" if kind == "aldershjem" else "87.909",
        "naeringskode_sn2025": "87.10" if kind == "sykehjem" else "87.30" if kind == "aldershjem" else "87.99",
        "tilbud": offers, "rom_i_alt": single + shared, "enerom": single, "rom_for_flere": shared,
        "brukertilpassede_enerom": round(single * d.rng.uniform(0.5, 1.0)), "plasser_i_alt": places,
        "plasser_demens": round(places * d.rng.uniform(0.15, 0.35)),
        "plasser_psykiatri": round(places * d.rng.uniform(0, 0.05)), "plasser_rus": d.rng.randint(0, 1),
        "plasser_langtid": long_term, "plasser_tidsbegrenset": short, **parts,
        "plasser_andre_kommuner_ja": selling, "plasser_andre_kommuner": sold,
        "kjopende_kommuner": _buyers(d, unit, sold, year),
        "brukerundersokelse": d.yes(0.5), "kontaktperson": name, "kontakt_epost": mail,
    }


def unit_answers(unit: DemoUnit, seed: int, year: int, *, base_year: int | None = None) -> dict[str, Answers]:
    """Raw answers of ``unit`` to every web form its kind reports, by form id, before fitting to a form.

    ``base_year`` is the year the sizes are drawn for (default ``year``); later years drift from it.
    """
    d = _Draw(seed, unit, year, base_year if base_year is not None else year)
    if unit.kind == "institution":
        return {"5": _form5(d, unit, year)}
    form1 = _form1(d, unit)
    psychologists = float(form1["psykolog_aarsverk"]) if form1["psykologkompetanse"] else 0.0  # type: ignore[arg-type]
    found: dict[str, Answers] = {"1": form1, "4": _form4(d, unit), "7": _form7(d, unit),
                                 "PSYK": _psyk(d, unit, psychologists)}
    found["13"] = _form13(d, unit)
    return found


def fit_to_form(form: Form, unit: DemoUnit, values: Mapping[str, object]) -> Answers:
    """Keep only the answers to fields ``form`` has and that apply to the unit and the earlier answers."""
    validation_unit = Unit(code=unit.code, kind=unit.kind, population=unit.population)
    kept: Answers = {}
    answers: dict[str, object] = {}
    for f in form.fields():
        if f.name not in values:
            continue
        if f.applies_when is not None and condition_holds(f.applies_when, validation_unit, answers) is not True:
            continue
        kept[f.name] = answers[f.id] = answers[f.name] = values[f.name]
    return kept


def form_answers(unit: DemoUnit, seed: int, year: int, *, base_year: int | None = None) -> dict[str, Answers]:
    """The answers of ``unit`` for ``year``, fitted to that year's definition of each form it reports."""
    catalog = load_catalog(year)
    raw = unit_answers(unit, seed, year, base_year=base_year)
    fitted = {}
    for form_id, values in raw.items():
        form = catalog.form(form_id)
        if unit.kind in {k.value for k in form.definition.unit_kinds}:
            fitted[form_id] = fit_to_form(form, unit, values)
    return fitted
