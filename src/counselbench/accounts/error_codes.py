# ruff: noqa: S105 (error codes, not passwords)
from enum import StrEnum


class AccountsErrorCode(StrEnum):
    TOKEN_INVALID = "token_invalid"
    TOKEN_NOT_MEMBER = "token_not_member"
    TOKEN_EXPIRY_INVALID = "token_expiry_invalid"
