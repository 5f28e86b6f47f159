"""Creating demo users that can sign in straight away (verified email, known password)."""

from allauth.account.models import EmailAddress

from counselbench.accounts.models import User


def person(email: str, full_name: str, password: str) -> User:
    user, _ = User.objects.update_or_create(
        email=email, defaults={"full_name": full_name, "is_active": True}
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
