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
