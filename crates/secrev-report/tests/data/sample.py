import os
import subprocess
import yaml


def run(user_cmd):
    return subprocess.call(user_cmd, shell=True)


def load(blob):
	return yaml.load(blob)


def save(path, data):
    if not os.path.exists(path):
        with open(path, "w") as handle:
            handle.write(data)


QUERY = (
    "SELECT * FROM users WHERE name = '%s'"
    % os.environ["USER_NAME"]
)
