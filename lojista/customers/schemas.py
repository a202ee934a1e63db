"""Shapes of the accounts API."""

from typing import Literal

from ninja import Field, Schema

from lojista.core.schemas import EMAIL_FORMAT, InputSchema
from lojista.customers.models import User

# Long enough for any passphrase, short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 1024
# Django's MinimumLengthValidator, which checks it (with the other password
# validators, which a schema cannot express): documented here only.
PASSWORD_MIN_LENGTH = 8


class RegisterIn(InputSchema):
    email: str = Field(max_length=254, json_schema_extra=EMAIL_FORMAT)
    password: str = Field(
        max_length=PASSWORD_MAX_LENGTH,
        json_schema_extra={"minLength": PASSWORD_MIN_LENGTH},
        description=(
            "At least 8 characters and 4 different ones, not a common password, not all digits, "
            "not like the email or name."
        ),
    )
    name: str = Field(min_length=1, max_length=150)


class LoginIn(InputSchema):
    email: str = Field(max_length=254, json_schema_extra=EMAIL_FORMAT)
    password: str = Field(max_length=PASSWORD_MAX_LENGTH)
    cart_token: str | None = Field(
        default=None, max_length=1024, description="A guest cart to merge into the customer's cart."
    )


class PasswordChangeIn(InputSchema):
    current_password: str = Field(max_length=PASSWORD_MAX_LENGTH)
    new_password: str = Field(
        max_length=PASSWORD_MAX_LENGTH,
        json_schema_extra={"minLength": PASSWORD_MIN_LENGTH},
        description="The same rules as at registration.",
    )


class PasswordResetIn(InputSchema):
    email: str = Field(max_length=254, json_schema_extra=EMAIL_FORMAT)


class PasswordResetConfirmIn(InputSchema):
    uid: str = Field(max_length=64, description="From the link in the password-reset email.")
    token: str = Field(max_length=128, description="From the link in the password-reset email.")
    new_password: str = Field(
        max_length=PASSWORD_MAX_LENGTH,
        json_schema_extra={"minLength": PASSWORD_MIN_LENGTH},
        description="The same rules as at registration.",
    )


class CustomerOut(Schema):
    id: int
    email: str
    name: str
    is_staff: bool
    role: Literal["owner", "staff"] | None
    language: str | None

    @staticmethod
    def resolve_role(user: User) -> str | None:
        return user.role or None

    @staticmethod
    def resolve_language(user: User) -> str | None:
        return user.language or None


class AuthOut(Schema):
    token: str
    customer: CustomerOut


class LoginOut(AuthOut):
    cart_token: str = Field(description="The customer's cart, which now holds the merged guest cart.")
    messages: list[str] = Field(description="What the merge changed, for the customer to read.")
