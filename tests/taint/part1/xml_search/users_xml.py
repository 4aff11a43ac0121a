"""Legacy portal accounts stored in an XML file (xml.etree.ElementTree)."""
import xml.etree.ElementTree as ET

USERS_FILE = "/etc/portal/users.xml"
SECTIONS = ("admins", "editors", "viewers")


def load_root():
    return ET.parse(USERS_FILE).getroot()


def find_account(username):
    root = ET.parse(USERS_FILE).getroot()
    return root.find(f".//user[@name='{username}']")  # expect: PY806


def account_exists(username):
    root = load_root()
    for user in root.iter("user"):
        if user.get("name") == username:
            return True
    return False


def section_members(section):
    tree = ET.parse(USERS_FILE)
    root = tree.getroot()
    if section not in SECTIONS:
        raise KeyError(section)
    return [u.get("name") for u in root.findall(section + "/user")]  # ok: PY806


def email_of(username):
    tree = ET.parse(USERS_FILE)
    return tree.findtext(".//user[@name='" + username + "']/email")  # expect: PY806


def all_admins():
    tree = ET.parse(USERS_FILE)
    return [u.get("name") for u in tree.getroot().findall("./admins/user")]  # ok: PY806
