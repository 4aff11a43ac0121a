"""Tornado application wiring."""
import os

import tornado.ioloop
import tornado.web

from handlers import (
    AvatarHandler,
    FetchHandler,
    LinkPreviewHandler,
    OpmlImportHandler,
    OpmlImportSafeHandler,
    PreferencesHandler,
    ProbeHandler,
    SessionRestoreHandler,
    WorkflowImportHandler,
    WorkflowImportSafeHandler,
)


def make_app():
    return tornado.web.Application(
        [
            (r"/fetch", FetchHandler),
            (r"/preview", LinkPreviewHandler),
            (r"/avatars/(\d+)", AvatarHandler),
            (r"/probe", ProbeHandler),
            (r"/workflows/import", WorkflowImportHandler),
            (r"/workflows/import-safe", WorkflowImportSafeHandler),
            (r"/session/restore", SessionRestoreHandler),
            (r"/preferences", PreferencesHandler),
            (r"/opml/import", OpmlImportHandler),
            (r"/opml/import-safe", OpmlImportSafeHandler),
        ],
        cookie_secret=os.environ["COOKIE_SECRET"],
        xsrf_cookies=True,
    )


if __name__ == "__main__":
    make_app().listen(int(os.environ.get("PORT", "8888")))
    tornado.ioloop.IOLoop.current().start()
