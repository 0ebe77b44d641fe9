"""People with roles: translators, terminologists, administrators.

``store`` is the library (accounts, passwords, the activity log), ``policy`` says which role
may change what, ``web`` signs people in and guards every request, ``cli`` is
``workbench accounts``. A workbench with no account is one person's desk and asks nothing.
"""

from workbench.accounts.web import init_app

__all__ = ["init_app"]
