"""volagent-manage: operator command line of the storage agent."""

import getpass
import sys

from oslo_log import log as logging

from volagent import manager

LOG = logging.getLogger(__name__)


def _connect(url, user, secret_value):
    LOG.info("connecting to %s as %s using %s", url, user, secret_value)  # expect: PY816
    LOG.info("connecting to %s as %s", url, user)  # ok: PY816
    return (url, user)


def set_password(argv):
    user = argv[1]
    pw = getpass.getpass("Password for %s: " % user)
    confirm = getpass.getpass("Again: ")
    if pw != confirm:
        LOG.error("passwords for %s do not match", user)  # ok: PY816
        LOG.error("passwords %s and %s do not match", pw, confirm)  # expect: PY816
        return 1
    _connect("https://storage.example.com", user, pw)
    manager._log_user(user, pw)
    LOG.info("password of %s is %d characters long", user, len(pw))  # ok: PY816
    return 0


if __name__ == '__main__':
    sys.exit(set_password(sys.argv))
