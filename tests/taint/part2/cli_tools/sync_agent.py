#!/usr/bin/env python3
"""Inventory sync agent: receives frames from branch terminals over TCP.

Frame format: 1 byte kind, 4 byte big-endian length, payload.
"""
import json
import pickle
import socket
import struct
from xml.dom import minidom

import defusedxml.minidom

LISTEN_ADDR = ("0.0.0.0", 9400)
KIND_PICKLE, KIND_JSON, KIND_XML, KIND_XML_SAFE = 1, 2, 3, 4


def recv_exact(conn, size):
    chunks = []
    while size:
        chunk = conn.recv(size)
        if not chunk:
            raise ConnectionError("peer closed connection")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(conn):
    header = recv_exact(conn, 5)
    kind, length = struct.unpack(">BI", header)
    return kind, recv_exact(conn, length)


def apply_stock_update(payload):
    update = pickle.loads(payload)  # expect: PY811
    return {sku: int(qty) for sku, qty in update.items()}


def apply_stock_update_json(payload):
    update = json.loads(payload.decode("utf-8"))  # ok: PY811
    return {sku: int(qty) for sku, qty in update.items()}


def parse_delivery_note(payload):
    doc = minidom.parseString(payload)  # expect: PY812
    return {item.getAttribute("sku"): int(item.getAttribute("qty")) for item in doc.getElementsByTagName("item")}


def parse_delivery_note_safe(payload):
    doc = defusedxml.minidom.parseString(payload)  # ok: PY812
    return {item.getAttribute("sku"): int(item.getAttribute("qty")) for item in doc.getElementsByTagName("item")}



def serve():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(LISTEN_ADDR)
        srv.listen()
        while True:
            conn, peer = srv.accept()
            with conn:
                kind, payload = read_frame(conn)
                if kind == KIND_PICKLE:
                    changes = apply_stock_update(payload)
                elif kind == KIND_JSON:
                    changes = apply_stock_update_json(payload)
                elif kind == KIND_XML:
                    changes = parse_delivery_note(payload)
                elif kind == KIND_XML_SAFE:
                    changes = parse_delivery_note_safe(payload)
                else:
                    continue
                print(peer, "->", len(changes), "changes")
                conn.sendall(b"ACK")


if __name__ == "__main__":
    serve()
