"""Application settings kept in an XML document (ElementTree)."""
import xml.etree.ElementTree as ET

SETTINGS_XML = "/etc/shop/settings.xml"
KNOWN_SECTIONS = ("shipping", "payment", "tax", "notifications")


class SettingsStore:
    def __init__(self, path=SETTINGS_XML):
        self.tree = ET.parse(path)
        self.root = self.tree.getroot()

    def get(self, section, key):
        node = self.root.find(f"./{section}/setting[@key='{key}']")  # expect: PY806
        return node.text if node is not None else None

    def sections(self):
        return [child.tag for child in self.root.findall("./*")]  # ok: PY806

    def section_keys(self, section):
        """Keys of one of the known sections."""
        if section not in KNOWN_SECTIONS:
            raise KeyError(section)
        return [s.get("key") for s in self.root.findall(section + "/setting")]  # ok: PY806
