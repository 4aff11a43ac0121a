"""Exceptions of the compute API; their message is the fault the client sees."""


class ComputeException(Exception):
    msg_fmt = "An unknown exception occurred."

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if not message:
            message = self.msg_fmt % kwargs
        super().__init__(message)

    def format_message(self):
        return self.args[0]


class Invalid(ComputeException):
    msg_fmt = "Bad request: %(reason)s"


class InvalidToken(Invalid):
    msg_fmt = "The token '%(token)s' is invalid or has expired"


class ImageNotFound(ComputeException):
    msg_fmt = "Image %(image_id)s could not be found."


class InstancePasswordSetFailed(ComputeException):
    msg_fmt = "Failed to set admin password on %(instance)s because %(reason)s"
