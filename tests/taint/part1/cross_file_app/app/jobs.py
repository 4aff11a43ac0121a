"""Background export jobs."""
import csv
import os
import shutil
import subprocess


class ExportJob:
    """Writes a CSV export below /srv/shop/exports and announces it."""

    def __init__(self, name, fmt="csv"):
        self.name = name
        self.fmt = fmt
        self.output_dir = "/srv/shop/exports"

    def output_path(self):
        return os.path.join(self.output_dir, f"{self.name}.{self.fmt}")

    def write(self, rows):
        with open(self.output_path(), "w", newline="") as fh:  # expect: PY804
            csv.writer(fh).writerows(rows)

    def compress(self):
        subprocess.run(["gzip", "-f", self.output_path()], check=True)  # ok: PY801

    def clear_scratch(self):
        shutil.rmtree(os.path.join(self.output_dir, "scratch"), ignore_errors=True)  # ok: PY804

    def announce(self):
        os.system("logger -t exports 'export finished: " + self.name + "'")  # expect: PY801
