from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class EmailOrUsernameBackend(ModelBackend):
    """Sign in with either the email address or the username, in any case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get("email")
        if not login or password is None:
            return None
        try:
            user = User.objects.get_by_login(login)
        except User.DoesNotExist:
            # Hash anyway, so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
