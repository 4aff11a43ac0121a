"""Thin wrappers around systemd/journald used by the admin endpoints."""
import shlex
import subprocess


class ServiceManager:
    """Controls one systemd unit."""

    def __init__(self, unit, timeout=30):
        self.unit = unit
        self.timeout = timeout

    def restart(self):
        return subprocess.run("systemctl restart " + self.unit, shell=True, timeout=self.timeout)  # expect: PY801

    def is_active(self):
        result = subprocess.run(["systemctl", "is-active", self.unit], capture_output=True)  # ok: PY801
        return result.returncode == 0


def tail_log(unit, lines):
    """Last ``lines`` journal lines of ``unit``."""
    n = int(lines)
    return subprocess.getoutput(f"journalctl -u {shlex.quote(unit)} -n {n} --no-pager")  # ok: PY801


def reload_unit_files():
    return subprocess.run("systemctl daemon-reload", shell=True, check=True)  # ok: PY801


def grep_logs(unit, pattern):
    """Search a unit's journal for a pattern."""
    cmd = "journalctl -u %s --no-pager | grep -i '%s'" % (shlex.quote(unit), pattern)
    return subprocess.getoutput(cmd)  # expect: PY801


def dump_command(database):
    """Shell pipeline dumping one database into /backups."""
    return f"pg_dump --clean {database} | gzip > /backups/{database}.sql.gz"
