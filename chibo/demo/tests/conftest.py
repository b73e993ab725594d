"""The demo district, built once for the package inside a transaction rolled back at the end."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

PASSWORD = "demo-test-pw-2023"


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """Build the demo once; roll it back after the package so other tests see an empty DB.
    Yields what `manage.py demo` printed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("demo", password=PASSWORD, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
