"""Server actions of a compute API (webob controllers, nova style)."""

import webob
from oslo_log import log as logging
from oslo_utils import strutils
from webob import exc

from computeapi import exception
from computeapi import utils

LOG = logging.getLogger(__name__)


class ServerActionsController(object):

    def __init__(self, compute_api):
        self.compute_api = compute_api

    def _change_password(self, req, id, body):
        context = req.environ['nova.context']
        password = body['changePassword']['adminPass']
        if len(password) < 8:
            raise exc.HTTPBadRequest(  # expect: PY817
                explanation="password %s is too short" % password)
        if password.isspace():
            raise exc.HTTPBadRequest(  # ok: PY817
                explanation="the password must not be blank")
        LOG.debug("changing the password of %s", id)  # ok: PY816
        LOG.debug("changing the password of %s to %s", id, password)  # expect: PY816
        try:
            self.compute_api.set_admin_password(context, id, password)
        except exception.InstancePasswordSetFailed as e:
            raise exc.HTTPConflict(explanation=e.format_message())  # ok: PY817
        return webob.Response(status_int=202)

    def _rescue(self, req, id, body):
        context = req.environ['nova.context']
        rescue = body['rescue'] or {}
        password = rescue.get('adminPass') or utils.generate_password()
        LOG.info("rescuing %s", id)  # ok: PY816
        LOG.info("rescuing %s with %s", id, password)  # expect: PY816
        self.compute_api.rescue(context, id, rescue_password=password)
        return {'adminPass': password}

    def _rebuild(self, req, id, body):
        context = req.environ['nova.context']
        rebuild = body['rebuild']
        image_href = rebuild['imageRef']
        password = rebuild.get('adminPass')
        if not password:
            raise exc.HTTPBadRequest(  # ok: PY817
                explanation="adminPass is required to rebuild %s" % id)
        try:
            self.compute_api.rebuild(context, id, image_href, password)
        except exception.ImageNotFound:
            msg = "cannot rebuild %s from %s with password %s" % (
                id, image_href, password)
            raise exc.HTTPBadRequest(explanation=msg)  # expect: PY817
        except exception.Invalid as e:
            msg = "cannot rebuild %s: %s" % (id, e)
            raise exc.HTTPBadRequest(explanation=msg)  # ok: PY817
        return webob.Response(status_int=202)

    def _create_image(self, req, id, body):
        context = req.environ['nova.context']
        token = req.headers.get('X-Auth-Token')
        LOG.debug("image request for %s with token %s", id,  # expect: PY816
                  token)
        LOG.debug("image request for %s with token hash %s", id,  # ok: PY816
                  utils.hash_token(token))
        LOG.debug("image request for %s by %s", id,  # ok: PY816
                  context.user_id)
        headers = dict(req.headers)
        LOG.debug("request headers %s",  # ok: PY816
                  strutils.mask_dict_password(headers))
        return self.compute_api.snapshot(context, id, token=token)


def validate_console_token(context, token_str):
    if not token_str:
        raise exception.InvalidToken(token="<empty>")  # ok: PY817
    LOG.debug("validating a console token for %s", context.project_id)  # ok: PY816
    if context.auth_token == token_str:
        raise exception.InvalidToken(token=context.auth_token)  # expect: PY817
    return True
