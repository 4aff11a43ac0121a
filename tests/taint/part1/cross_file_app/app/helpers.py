"""Shell based maintenance helpers."""
import os
import shlex
import subprocess

BACKUP_ROOT = "/backups"
PROJECT_ROOT = "/srv/projects"


def run_backup(project):
    """Create a tarball of one project directory."""
    cmd = f"tar -czf {BACKUP_ROOT}/{project}.tar.gz -C {PROJECT_ROOT} {project}"
    return subprocess.call(cmd, shell=True)  # expect: PY801


def run_backup_quoted(project):
    quoted = shlex.quote(project)
    cmd = f"tar -czf {BACKUP_ROOT}/{quoted}.tar.gz -C {PROJECT_ROOT} {quoted}"
    return subprocess.call(cmd, shell=True)  # ok: PY801


def ping_host(host):
    result = subprocess.run("ping -c 3 " + shlex.quote(host), shell=True, capture_output=True, text=True)  # ok: PY801
    return result.stdout


def disk_usage(mount):
    """Callers pass mount points from the MOUNTS allow-list only."""
    return os.popen("df -h " + mount).read()  # ok: PY801


def prune_logs(days):
    return subprocess.run(f"find /var/log/shop -name '*.gz' -mtime +{days} -delete", shell=True)  # ok: PY801


def git_checkout(repo_dir, ref):
    cmd = "cd %s && git checkout %s" % (shlex.quote(repo_dir), ref)
    return subprocess.check_output(cmd, shell=True)  # expect: PY801


def resolve_host(host):
    return subprocess.getoutput("host " + host)  # expect: PY801


def build_flags(options):
    """Turn a mapping into ``--key=value`` command line flags."""
    flags = []
    for key, value in options.items():
        flags.append(f"--{key}={value}")
    return " ".join(flags)
