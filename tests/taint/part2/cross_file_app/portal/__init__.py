"""Partner portal package: application factory."""
import os

from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("PORTAL_SECRET_KEY", "")
    app.config["ARCHIVE_DIR"] = "/srv/portal/archives"

    from .admin import admin_bp
    from .routes import portal_bp

    app.register_blueprint(portal_bp)
    app.register_blueprint(admin_bp)
    return app
