#!/usr/bin/env python3
"""Runs deployment hooks configured through the environment."""
import os
import subprocess

DEFAULT_HOOK = "print('no startup hook configured')"
DEPLOY_SCRIPT = "/opt/deploy/bin/post-deploy.sh"


def run_startup_hook():
    exec(os.environ.get("STARTUP_HOOK", DEFAULT_HOOK))  # expect: PY802


def run_default_hook():
    hook = os.environ.get("STARTUP_HOOK")
    hook = DEFAULT_HOOK  # environment hooks were disabled in 2.0
    exec(hook)  # ok: PY802


def notify(channel_env="DEPLOY_CHANNEL"):
    channel = os.environ.get(channel_env, "#deploys")
    subprocess.Popen("notify-send deploy-finished " + channel, shell=True)  # expect: PY801


def post_deploy():
    subprocess.check_call(DEPLOY_SCRIPT + " --quiet", shell=True)  # ok: PY801


def load_settings_module():
    path = "/etc/deploy/settings.py"
    with open(path) as fh:  # ok: PY804
        source = fh.read()
    code = compile(source, path, "exec")  # ok: PY802
    settings = {}
    exec(code, settings)  # ok: PY802
    extra = os.environ.get("EXTRA_SETTINGS")
    if extra:
        extra_code = compile(extra, "<EXTRA_SETTINGS>", "exec")  # expect: PY802
        exec(extra_code, settings)  # expect: PY802
    return settings


def load_override_file():
    path = os.environ.get("SETTINGS_OVERRIDE", "/etc/deploy/override.cfg")
    with open(path) as fh:  # ok: PY804
        return dict(line.strip().split("=", 1) for line in fh if "=" in line)


if __name__ == "__main__":
    run_startup_hook()
    run_default_hook()
    post_deploy()
    notify()
    load_settings_module()
    load_override_file()
