"""Country names for people: ``country_name("BR")`` is "Brazil" in English,
"Brasil" in Portuguese (the active language).

Django has no country list, and neither babel nor pycountry is installed: a
shop ships to a few dozen countries at most, so this table names the
European Union's, the Portuguese-speaking and the shop's likely neighbours'
(docs/architecture.md, "Country names in emails"). A code missing here is
shown as the code itself, which nobody misreads; add a row to name it.
"""

from django.utils.translation import gettext_lazy as _

COUNTRIES = {
    "AO": _("Angola"),
    "AR": _("Argentina"),
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "BG": _("Bulgaria"),
    "BR": _("Brazil"),
    "CA": _("Canada"),
    "CH": _("Switzerland"),
    "CL": _("Chile"),
    "CV": _("Cape Verde"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DE": _("Germany"),
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "ES": _("Spain"),
    "FI": _("Finland"),
    "FR": _("France"),
    "GB": _("United Kingdom"),
    "GR": _("Greece"),
    "HR": _("Croatia"),
    "HU": _("Hungary"),
    "IE": _("Ireland"),
    "IT": _("Italy"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "LV": _("Latvia"),
    "MT": _("Malta"),
    "MX": _("Mexico"),
    "MZ": _("Mozambique"),
    "NL": _("Netherlands"),
    "NO": _("Norway"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "PY": _("Paraguay"),
    "RO": _("Romania"),
    "SE": _("Sweden"),
    "SI": _("Slovenia"),
    "SK": _("Slovakia"),
    "US": _("United States"),
    "UY": _("Uruguay"),
}


def country_name(code: str) -> str:
    """The name of the country ``code`` (ISO 3166-1 alpha-2) in the active
    language; the code itself when the table does not know it."""
    name = COUNTRIES.get(code.strip().upper())
    return str(name) if name is not None else code


# Every officially assigned ISO 3166-1 alpha-2 code: what a shipping zone may
# list. Only names need the table above; a code is valid if it is here.
_ISO_CODES_TEXT = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO_CODES = frozenset(_ISO_CODES_TEXT.split())


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code (either case)."""
    return code.strip().upper() in ISO_CODES
