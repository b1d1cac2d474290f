"""Texts of the public statbank and profile pages."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "nav.statbank": {"nb": "Statistikkbanken", "en": "Statbank"},
    "statbank.title": {"nb": "Statistikkbanken for KOSTRA", "en": "The KOSTRA statbank"},
    "statbank.intro": {
        "nb": "Publiserte tabeller fra KOSTRA. Velg en tabell, velg variabler og verdier, og last ned.",
        "en": "Published KOSTRA tables. Choose a table, choose variables and values, and download.",
    },
    "statbank.none": {"nb": "Ingen tabeller er publisert ennå.", "en": "No tables have been published yet."},
    "statbank.table": {"nb": "Tabell", "en": "Table"},
    "statbank.updated": {"nb": "Publisert", "en": "Published"},
    "statbank.choose": {"nb": "Velg variabler og verdier", "en": "Choose variables and values"},
    "statbank.choose_help": {
        "nb": "Hold Ctrl (Cmd på Mac) eller Shift nede for å velge flere verdier.",
        "en": "Hold Ctrl (Cmd on a Mac) or Shift to choose several values.",
    },
    "statbank.show": {"nb": "Vis tabell", "en": "Show table"},
    "statbank.download": {"nb": "Last ned", "en": "Download"},
    "statbank.cells": {"nb": "celler", "en": "cells"},
    "statbank.symbols": {"nb": "Tegnforklaring", "en": "Symbols"},
    "statbank.api": {"nb": "Samme uttrekk i API-et", "en": "The same query in the API"},
    "statbank.caption": {"nb": "Valgte tall", "en": "Selected figures"},
    "release.preliminary": {"nb": "Foreløpige tall", "en": "Preliminary figures"},
    "release.final": {"nb": "Endelige tall", "en": "Final figures"},
    "release.correction": {"nb": "Korrigerte tall", "en": "Corrected figures"},
    "profile.title": {"nb": "Nøkkeltall for", "en": "Key figures for"},
    "profile.compared": {
        "nb": "Sammenlignet med KOSTRA-gruppen, fylket og landet.",
        "en": "Compared with the KOSTRA group, the county and the country.",
    },
    "profile.compared_district": {
        "nb": "Sammenlignet med Oslos bydeler i alt, Oslo og landet.",
        "en": "Compared with all Oslo districts, Oslo and the country.",
    },
    "profile.none": {
        "nb": "Det er ikke publisert nøkkeltall for denne regionen for året.",
        "en": "No key figures have been published for this region for the year.",
    },
    "profile.figure": {"nb": "Nøkkeltall", "en": "Key figure"},
    "profile.over_years": {"nb": "over år", "en": "over years"},
    "profile.chart_alt": {
        "nb": "Linjediagram. Tallene står i tabellen under.",
        "en": "Line chart. The figures are in the table below.",
    },
    "profile.region": {"nb": "Region", "en": "Region"},
    "profile.year": {"nb": "År", "en": "Year"},
    "profile.source": {"nb": "Kilde: tabell", "en": "Source: table"},
}
