"""Settings are secure by default and refuse to start insecurely."""

from tests.helpers import run_django

SETUP = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "pr0duction-like-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0-zyxwvutsrq",
    "ALLOWED_HOSTS": "shop.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
    "SECURE_SSL_REDIRECT": None,
    "DATABASE_URL": None,
    "REDIS_URL": None,
}


def test_without_secret_key_and_debug_off_startup_stops_with_a_clear_message():
    result = run_django(SETUP, SECRET_KEY=None, DEBUG=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_set():
    result = run_django(SETUP, DEBUG=None, SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"])
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_local_development_runs_without_a_secret_key():
    result = run_django(SETUP, SECRET_KEY=None, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_check_deploy_is_clean_under_production_variables():
    result = run_django(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_secure():
    result = run_django(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS)",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True True ['shop.example.com']"
