#!/usr/bin/env python3
"""ops-fetch: small CLI used by the on-call team.

    ops-fetch get URL
    ops-fetch health --env staging
    ops-fetch user alice
    ops-fetch notify "deploy finished"
"""
import argparse
import os
import sys
from urllib.request import urlopen

import requests

ENVIRONMENTS = ("dev", "staging", "prod")
API_BASE = "https://api.example.com"
STATUS_ENDPOINT = "https://status.example.com/api/v2/summary.json"
USE_ENDPOINT_OVERRIDE = False


def cmd_get(args):
    resp = requests.get(args.url, timeout=args.timeout)  # expect: PY813
    print(resp.status_code, resp.headers.get("content-type"))
    print(resp.text[:2000])


def cmd_health(args):
    if args.env not in ENVIRONMENTS:
        sys.exit("unknown environment: %s" % args.env)
    resp = requests.get(f"https://{args.env}.internal.example.com/healthz", timeout=5)  # ok: PY813
    print(args.env, "OK" if resp.ok else "FAILING")


def cmd_user(args):
    resp = requests.get(API_BASE + "/users/" + args.username, timeout=5)  # ok: PY813
    print(resp.json())


def cmd_notify(args):
    webhook = os.environ["OPS_WEBHOOK_URL"]
    requests.post(webhook, json={"text": args.message}, timeout=5)  # expect: PY813


def cmd_status(args):
    endpoint = STATUS_ENDPOINT
    if USE_ENDPOINT_OVERRIDE:
        endpoint = os.environ.get("STATUS_ENDPOINT_OVERRIDE", STATUS_ENDPOINT)
    resp = requests.get(endpoint, timeout=5)  # ok: PY813
    print(resp.json()["status"]["description"])


def download(url, dest):
    with urlopen(url, timeout=30) as resp, open(dest, "wb") as out:  # expect: PY813
        out.write(resp.read())


def build_parser():
    parser = argparse.ArgumentParser(prog="ops-fetch")
    sub = parser.add_subparsers(dest="command", required=True)
    p_get = sub.add_parser("get")
    p_get.add_argument("url")
    p_get.add_argument("--timeout", type=float, default=10.0)
    p_get.set_defaults(func=cmd_get)
    p_health = sub.add_parser("health")
    p_health.add_argument("--env", default="staging")
    p_health.set_defaults(func=cmd_health)
    p_user = sub.add_parser("user")
    p_user.add_argument("username")
    p_user.set_defaults(func=cmd_user)
    p_notify = sub.add_parser("notify")
    p_notify.add_argument("message")
    p_notify.set_defaults(func=cmd_notify)
    p_status = sub.add_parser("status")
    p_status.set_defaults(func=cmd_status)
    return parser


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "download":
        download(sys.argv[2], os.path.basename(sys.argv[2]) or "download.bin")
        return
    args = build_parser().parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
