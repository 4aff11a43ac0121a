"""iSCSI/RBD volume connector of a storage agent: logs in to targets with CHAP credentials."""

import hashlib

from oslo_concurrency import processutils
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import strutils

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def _mask_secret(value):
    """Keep the first two characters of a secret for correlation."""
    return value[:2] + '***'


class ISCSIConnector(object):

    def __init__(self, root_helper, conf):
        self.root_helper = root_helper
        self.conf = conf

    def _run_iscsiadm(self, portal, iqn, *args):
        cmd = ('iscsiadm', '-m', 'node', '-T', iqn, '-p', portal) + args
        return processutils.execute(*cmd, root_helper=self.root_helper,
                                    run_as_root=True)

    def login(self, connection_properties):
        portal = connection_properties['target_portal']
        iqn = connection_properties['target_iqn']
        user = connection_properties.get('auth_username')
        secret = connection_properties['auth_password']
        LOG.debug("Logging in to %(portal)s as %(user)s with CHAP secret "  # expect: PY816
                  "%(secret)s", {'portal': portal, 'user': user,
                                 'secret': secret})
        LOG.debug("Logging in to %(portal)s as %(user)s",  # ok: PY816
                  {'portal': portal, 'user': user})
        LOG.debug("CHAP secret for %s is %d characters long",  # ok: PY816
                  portal, len(secret))
        self._run_iscsiadm(portal, iqn, '--op', 'update',
                           '-n', 'node.session.auth.password', '-v', secret)
        LOG.info("Connection properties: %s",  # ok: PY816
                 strutils.mask_dict_password(connection_properties))
        LOG.info("Connection properties: %s", connection_properties)  # expect: PY816
        return self._run_iscsiadm(portal, iqn, '--login')

    def discover(self, portal):
        chap = {'user': self.conf.discovery_user,
                'password': self.conf.discovery_password}
        msg = "discovering targets on %s with %s" % (portal, chap)
        LOG.debug(msg)  # expect: PY816
        LOG.debug(strutils.mask_password(msg))  # ok: PY816
        fingerprint = hashlib.sha256(
            self.conf.discovery_password.encode('utf-8')).hexdigest()
        LOG.debug("discovery secret fingerprint %s", fingerprint)  # ok: PY816
        LOG.debug("discovery secret %s", _mask_secret(  # ok: PY816
            self.conf.discovery_password))


class RBDConnector(object):

    def __init__(self, conf):
        self.conf = conf

    def _keyring_line(self, user, key):
        return "[client.%s]\n\tkey = %s\n" % (user, key)

    def connect(self, volume):
        user = self.conf.rbd_user
        keyring = self._keyring_line(user, self.conf.rbd_secret_key)
        LOG.debug("writing keyring %s", keyring)  # expect: PY816
        LOG.debug("writing keyring for client.%s", user)  # ok: PY816
        if not self.conf.rbd_secret_key:
            LOG.warning("no cephx key configured for %s", user)  # ok: PY816
        return keyring


def report_database(conf):
    url = CONF.database.connection
    LOG.info("using database %s", url)  # expect: PY816
    LOG.info("using database %s", strutils.mask_password(url))  # ok: PY816
    LOG.info("database configured: %s", bool(url))  # ok: PY816
