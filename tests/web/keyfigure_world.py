"""A small seeded year for the key-figure pages: form 13 from Kongsvinger (3401, one value edited by the
office) and Lillehammer (3405), and a control run with a hit on one of Kongsvinger's form 13 fields.

The figure the tests follow is ``andel_rullestoltilgjengelige_boliger`` (rullestoltilgjengelige /
kommunalt_disponerte_boliger × 100, one decimal), computed by hand in the tests from the numbers below.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.factories import R, add_run, fld

from kostra.access import Principal, Role
from kostra.followup.edits import edit_value
from kostra.reporting import submissions

YEAR = 2025
FIGURE = "andel_rullestoltilgjengelige_boliger"
# (kommunalt eide, privat utleie, privat brukereid, rullestoltilgjengelige): disponerte is the sum of the first three.
KONGSVINGER = (300, 40, 10, 305)  # 305 wheelchair-accessible of 350: a typing error the office corrects to 35
KONGSVINGER_EDITED = 35
LILLEHAMMER = (400, 60, 20, 120)


def form13(eide: int, utleie: int, brukereid: int, rullestol: int) -> dict[str, object]:
    """A form 13 whose sums hold (2.4 = 2.1 + 2.2 + 2.3); the other counts small and consistent."""
    return {
        "kommunalt_eide_boliger": eide, "privat_eide_utleie": utleie, "privat_eide_brukereid": brukereid,
        "kommunalt_disponerte_boliger": eide + utleie + brukereid, "rullestoltilgjengelige": rullestol,
        "omsorgsboliger": 10, "nye_boliger": 2, "avhendede_boliger": 1, "soknader_nye": 20,
        "soknader_fornyelse": 5, "avslag": 4, "husstander_tildelt": 10, "venteliste_tilrettelagt": 3,
        "gjengs_leie": "ja", "husleie_gjennomsnitt": 8000, "tidsbegrensede_kontrakter": "ja",
        "kontraktslengde": "2", "midlertidig_botilbud_husstander": 1, "ansvarlig_navn": "Kari Nordmann",
    }


def _submit(session: Session, username: str, unit: str, values: dict[str, object]) -> None:
    principal = Principal(username, Role.REPORTER, unit)
    submissions.save_draft(session, principal, year=YEAR, form_id="13", unit_code=unit, values=values)
    submissions.submit(session, principal, year=YEAR, form_id="13", unit_code=unit, confirm_warnings=True,
                       recontrol=False)
    session.commit()


def seed_form13(session: Session) -> None:
    """Both municipalities' form 13, the office's edit of Kongsvinger's 2.5, and a hit on it."""
    hit = R("HB-13-rullestoltilgjengelige", "13", "3401", severity="WARNING",
            fields=[fld("13", "2.5", "rullestoltilgjengelige")], message="Stor endring fra i fjor")
    other = R("HB-13-avslag", "13", "3401", severity="WARNING", fields=[fld("13", "3.3", "avslag")])
    add_run(session, [hit, other])
    _submit(session, "demo-3401", "3401", form13(*KONGSVINGER))
    _submit(session, "demo-3405", "3405", form13(*LILLEHAMMER))
    edit_value(session, Principal("statistiker", Role.STATISTICIAN, None), year=YEAR, form_id="13",
               unit_code="3401", field="rullestoltilgjengelige", value=KONGSVINGER_EDITED, reason="REVIEW",
               comment="tastefeil: 305 skal være 35")
    session.commit()
