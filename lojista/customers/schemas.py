"""Shapes of the accounts API."""

from typing import Literal

from ninja import Field, Schema

from lojista.customers.models import User

# Long enough for any passphrase, short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 1024


class RegisterIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=PASSWORD_MAX_LENGTH)
    name: str = Field(min_length=1, max_length=150)


class LoginIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=PASSWORD_MAX_LENGTH)
    cart_token: str | None = Field(
        default=None, max_length=1024, description="A guest cart to merge into the customer's cart."
    )


class PasswordChangeIn(Schema):
    current_password: str = Field(max_length=PASSWORD_MAX_LENGTH)
    new_password: str = Field(max_length=PASSWORD_MAX_LENGTH)


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
