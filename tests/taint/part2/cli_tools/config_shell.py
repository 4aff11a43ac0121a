#!/usr/bin/env python3
"""Interactive helper for editing the kiosk configuration."""
import os
import pickle
import xml.etree.ElementTree as ET

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
LAYOUT_TEMPLATE = os.path.join(HERE, "kiosk_layout.xml")
FACTORY_DEFAULTS = {"brightness": 70, "volume": 30, "idle_timeout": 120}


def read_multiline(prompt):
    print(prompt + " (end with an empty line)")
    lines = []
    while True:
        line = input()
        if not line:
            break
        lines.append(line)
    return "\n".join(lines)


def import_profile():
    text = read_multiline("Paste the exported kiosk profile")
    profile = yaml.unsafe_load(text)  # expect: PY811
    print("Loaded profile with", len(profile), "sections")
    return profile


def import_profile_safe():
    text = read_multiline("Paste the exported kiosk profile")
    profile = yaml.safe_load(text)  # ok: PY811
    print("Loaded profile with", len(profile), "sections")
    return profile


def reset_to_defaults():
    frozen = pickle.dumps(FACTORY_DEFAULTS)
    settings = pickle.loads(frozen)  # ok: PY811
    print("Reset:", settings)
    return settings


def import_layout():
    markup = input("Layout XML: ")
    root = ET.fromstring(markup)  # expect: PY812
    return [panel.get("id") for panel in root.iter("panel")]


def default_layout():
    root = ET.parse(LAYOUT_TEMPLATE).getroot()  # ok: PY812
    return [panel.get("id") for panel in root.iter("panel")]


def main():
    actions = {
        "1": import_profile,
        "2": import_profile_safe,
        "3": reset_to_defaults,
        "4": import_layout,
        "5": default_layout,
    }
    choice = input("1) import profile  2) import profile (safe)  3) reset  4) layout  5) default layout: ")
    action = actions.get(choice.strip())
    if action is None:
        print("nothing to do")
        return
    print(action())


if __name__ == "__main__":
    main()
