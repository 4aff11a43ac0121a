"""RPC endpoint of the storage agent: attaches volumes for the compute service."""

from oslo_log import log as logging

from volagent import connector

LOG = logging.getLogger(__name__)


def _log_credentials(user, password):
    LOG.debug("using credentials %s/%s", user, password)  # expect: PY816


def _log_user(user, password):
    LOG.debug("using credentials of %s", user)  # ok: PY816


class VolumeAgentManager(object):

    def __init__(self, conf):
        self.conf = conf
        self.iscsi = connector.ISCSIConnector('sudo', conf)

    def attach_volume(self, context, volume_id, connection_info):
        LOG.info("attaching %s for request %s", volume_id,  # ok: PY816
                 context.request_id)
        LOG.debug("attaching with token %s", context.auth_token)  # expect: PY816
        token_prefix = context.auth_token[:6]
        LOG.debug("attaching with token %s...", token_prefix)  # ok: PY816
        data = connection_info['data']
        self.iscsi.login(data)
        return volume_id

    def rotate_admin_password(self, context, instance_uuid):
        new_password = self.conf.admin_password
        LOG.info("rotating the admin password of %s", instance_uuid)  # ok: PY816
        LOG.info("new admin password of %s is %s",  # expect: PY816
                 instance_uuid, new_password)
        _log_user(self.conf.admin_user, new_password)
        return {'instance': instance_uuid, 'rotated': True}
