"""Password rules beyond Django's own validators (OWASP ASVS 5.0 V6.2)."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Long passphrases are welcome; only absurd lengths (hashing cost, abuse) are refused."""

    def __init__(self, max_length: int = 1024):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return (
            f"Use at least 8 characters; passphrases up to {self.max_length} characters are fine."
        )
