from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import emails, schema  # noqa: F401 - register mail events, OpenAPI auth
        from accounts.authentication import on_user_deleted, on_user_saved
        from accounts.models import User

        # Access tokens of a deactivated or deleted user are refused at once.
        post_save.connect(on_user_saved, sender=User, dispatch_uid="accounts-jwt-cut-off")
        post_delete.connect(on_user_deleted, sender=User, dispatch_uid="accounts-jwt-cut-off")
