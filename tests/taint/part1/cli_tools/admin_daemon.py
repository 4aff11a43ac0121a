#!/usr/bin/env python3
"""Line based admin daemon listening on a local TCP port.

Supported commands: ``uptime``, ``ping <host>``, ``df <mount>``, ``ps <pid>``.
"""
import socket
import subprocess

LISTEN = ("127.0.0.1", 7070)
MOUNTS = ("/", "/var", "/srv", "/home")


def handle(conn):
    data = conn.recv(1024).decode("utf-8", "replace").strip()
    if data == "uptime":
        out = subprocess.check_output("uptime", shell=True)  # ok: PY801
    elif data.startswith("ping "):
        host = data[5:]
        out = subprocess.check_output("ping -c 1 " + host, shell=True)  # expect: PY801
    elif data.startswith("df "):
        mount = data[3:]
        if mount in MOUNTS:
            out = subprocess.check_output(f"df -h {mount}", shell=True)  # ok: PY801
        else:
            out = b"unknown mount\n"
    elif data.startswith("ps "):
        pid = int(data[3:])
        out = subprocess.check_output("ps -o pid,cmd -p %d" % pid, shell=True)  # ok: PY801
    else:
        out = b"unknown command\n"
    conn.sendall(out)


def serve():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(LISTEN)
        srv.listen()
        while True:
            conn, _ = srv.accept()
            with conn:
                handle(conn)


if __name__ == "__main__":
    serve()
