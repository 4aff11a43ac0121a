"""Storage helpers written the safe way: nothing here should be reported."""
import json
import os
import subprocess
import tempfile


def save_snapshot(data, directory):
    os.makedirs(directory, exist_ok=True)
    fd, path = tempfile.mkstemp(dir=directory, suffix=".json")
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    os.chmod(path, 0o600)
    return path


def disk_usage(directory):
    result = subprocess.run(["/usr/bin/du", "-sh", directory], check=True, capture_output=True, text=True)
    return result.stdout.split()[0]
