"""One money formatter: as people read it in English and Brazilian
Portuguese, in code (``format_money``) and in templates (``|money``)."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from lojista.core.money import amount_text, format_money

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "text"),
    [
        ("en", "1234.5", "EUR", "€1,234.50"),
        ("en", "12.50", "BRL", "R$12.50"),
        ("en", "12.50", "USD", "$12.50"),
        ("en", "0", "GBP", "£0.00"),
        ("en", "-12.5", "EUR", "-€12.50"),
        ("en", "1234567.89", "CHF", f"CHF{NBSP}1,234,567.89"),
        ("pt-br", "1234.5", "EUR", f"€{NBSP}1.234,50"),
        ("pt-br", "12.50", "BRL", f"R${NBSP}12,50"),
        ("pt-br", "12.50", "USD", f"US${NBSP}12,50"),
        ("pt-br", "-0.5", "BRL", f"-R${NBSP}0,50"),
        ("pt-br", "99", "CHF", f"CHF{NBSP}99,00"),
    ],
)
def test_money_reads_as_in_the_language(language, amount, currency, text):
    with translation.override(language):
        assert format_money(Decimal(amount), currency) == text


def test_the_shops_currency_is_the_default(settings):
    settings.LOJISTA_CURRENCY = "BRL"
    with translation.override("pt-br"):
        assert format_money(Decimal("5")) == f"R${NBSP}5,00"


def test_a_regional_english_reads_as_english():
    with translation.override("en-gb"):
        assert format_money(Decimal("5"), "EUR") == "€5.00"


def test_the_api_amount_does_not_depend_on_the_language():
    with translation.override("pt-br"):
        assert amount_text(Decimal("1234.5")) == "1234.50"


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load money %}" + source).render(context)


def test_the_template_filter_formats_in_the_active_language(settings):
    settings.LOJISTA_CURRENCY = "EUR"
    with translation.override("pt-br"):
        assert render("{{ total|money:'BRL' }}", total=Decimal("1234.5")) == f"R${NBSP}1.234,50"
        assert render("{{ total|money }}", total=Decimal("12.5")) == f"€{NBSP}12,50"
    with translation.override("en"):
        assert render("{{ total|money:currency }}", total=7, currency="usd") == "$7.00"


@pytest.mark.parametrize("value", [None, "", "abc", "NaN", True])
def test_the_template_filter_shows_nothing_for_what_is_not_an_amount(value):
    assert render("[{{ value|money }}]", value=value) == "[]"
