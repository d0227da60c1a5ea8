"""Gunicorn entry point for Keystone.

Keystone's WSGI application parses ``sys.argv`` with oslo.config, which would
reject gunicorn's own command line, so ``sys.argv`` is reset before the
import.  The configuration directory comes from ``OS_KEYSTONE_CONFIG_DIR``.
"""

import sys

sys.argv = [sys.argv[0]]

from keystone.wsgi.api import application  # noqa: E402,F401
