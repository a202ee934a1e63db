"""The shop's language (SHOP_LANGUAGE) and the request's: which one Django
uses, and validation messages in the request's language."""

from decimal import Decimal

import pytest
from django.utils import translation

from lojista.core.i18n import localized, shop_language
from lojista.core.validation import validation_message
from tests.core.test_production_settings import production_env, settings_of


def test_the_shop_language_is_english_by_default_and_djangos_language_follows_it():
    assert settings_of(production_env(), "LANGUAGE_CODE") == {"LANGUAGE_CODE": "en"}
    assert settings_of(production_env(SHOP_LANGUAGE="pt-BR"), "LANGUAGE_CODE") == {"LANGUAGE_CODE": "pt-br"}


def test_a_language_the_shop_does_not_speak_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SHOP_LANGUAGE must be one of en, pt-br: fr"):
        settings_of(production_env(SHOP_LANGUAGE="fr"))


@pytest.mark.django_db
def test_shop_language_is_the_language_code(settings):
    assert shop_language() == "en"
    settings.LANGUAGE_CODE = "pt-br"
    assert shop_language() == "pt-br"


@pytest.mark.django_db
def test_a_merchant_text_falls_back_to_the_shop_language(settings):
    translations = {"pt-br": "Pague por Pix", "en": ""}
    assert localized("Pay by bank transfer", translations, "pt-BR") == "Pague por Pix"
    assert localized("Pay by bank transfer", translations, "en") == "Pay by bank transfer"
    assert localized("Pay by bank transfer", {}, "pt-br") == "Pay by bank transfer"
    assert localized("Pay by bank transfer", None, "fr") == "Pay by bank transfer"
    settings.LANGUAGE_CODE = "pt-br"
    assert localized("Pague por Pix", {"en": "Pay by Pix"}, "en") == "Pay by Pix"


REGISTER = "/api/v1/auth/register"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "password": ["This field is required."],
                "name": ["Ensure this value has at most 150 characters (it has 151)."],
            },
        ),
        (
            "pt-BR",
            {
                "password": ["Este campo é obrigatório."],
                "name": ["Certifique-se de que o valor tenha no máximo 150 caracteres (ele possui 151)."],
            },
        ),
    ],
)
def test_field_messages_follow_accept_language(client, language, expected):
    response = client.post(
        REGISTER,
        {"email": "ana@example.com", "name": "n" * 151},
        content_type="application/json",
        headers={"accept-language": language},
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["details"]["fields"] == expected


def portuguese(kind: str, msg: str = "x", **ctx) -> str:
    with translation.override("pt-br"):
        return validation_message({"type": kind, "msg": msg, "ctx": ctx})


def test_numbers_choices_and_our_own_messages_in_portuguese():
    assert portuguese("greater_than", gt=Decimal("0.5")) == "Informe um número maior que 0,5."
    assert portuguese("literal_error", expected="'delivery' or 'pickup'") == (
        "Informe um destes valores: 'delivery' or 'pickup'."
    )
    assert portuguese("value_error", "Value error, Não pode.", error=ValueError("Não pode.")) == "Não pode."
    assert portuguese("an_unknown_type", "Something English") == "Something English"
