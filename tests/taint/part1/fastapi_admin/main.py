"""Ops admin API: user management, service control and metrics."""
import asyncio
import logging
import shlex
import subprocess

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import text

from .database import SessionLocal, engine, purge_expired_sessions, user_by_email, users_in_team
from .services import ServiceManager, dump_command, grep_logs, reload_unit_files, tail_log

app = FastAPI(title="Ops admin")
logger = logging.getLogger("ops_admin")

KNOWN_SERVICES = {"nginx", "redis", "postgresql", "celery"}
AGGREGATES = {"sum", "max", "min", "len"}


class ServiceAction(BaseModel):
    name: str
    reason: str = ""


class RuleIn(BaseModel):
    name: str
    source: str


@app.get("/users")
def list_users(role: str = "viewer"):
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, email FROM users WHERE role = '{role}'")).fetchall()  # expect: PY803
    return [dict(r._mapping) for r in rows]


@app.get("/users/by-role")
def list_users_by_role(role: str = "viewer"):
    with engine.connect() as conn:
        rows = conn.execute(  # ok: PY803
            text("SELECT id, email FROM users WHERE role = :role"), {"role": role}
        ).fetchall()
    return [dict(r._mapping) for r in rows]


@app.get("/users/lookup")
def lookup_user(email: str):
    row = user_by_email(email)
    if row is None:
        raise HTTPException(status_code=404)
    return dict(row._mapping)


@app.get("/teams/{team}/users")
def team_users(team: str):
    return [dict(r._mapping) for r in users_in_team(team)]


@app.get("/users/{user_id}/audit")
def user_audit(user_id: str, limit: str = "50"):
    sql = "SELECT * FROM audit WHERE user_id = :uid ORDER BY ts DESC LIMIT " + limit
    with SessionLocal() as session:
        rows = session.execute(text(sql), {"uid": user_id}).fetchall()  # expect: PY803
    return [dict(r._mapping) for r in rows]


@app.get("/users/{user_id}/audit/v2")
def user_audit_v2(user_id: str, limit: str = "50"):
    limit_n = int(limit)
    sql = f"SELECT * FROM audit WHERE user_id = :uid ORDER BY ts DESC LIMIT {limit_n}"
    with SessionLocal() as session:
        rows = session.execute(text(sql), {"uid": user_id}).fetchall()  # ok: PY803
    return [dict(r._mapping) for r in rows]


@app.get("/search")
async def search(request: Request):
    term = request.query_params.get("q", "")
    query = "SELECT id, title FROM tickets WHERE title ILIKE '%" + term + "%'"
    with engine.connect() as conn:
        rows = conn.execute(text(query)).fetchall()  # expect: PY803
    logger.info("ticket search: %s", term)  # expect: PY815
    return [dict(r._mapping) for r in rows]


@app.post("/maintenance/purge-sessions")
def purge_sessions():
    purge_expired_sessions()
    logger.info("expired sessions purged")  # ok: PY815
    return {"status": "ok"}


@app.post("/services/restart")
async def restart(action: ServiceAction):
    logger.warning(f"restart requested for {action.name}: {action.reason}")  # expect: PY815
    proc = await asyncio.create_subprocess_shell(f"systemctl restart {action.name}")  # expect: PY801
    return {"returncode": await proc.wait()}


@app.post("/services/restart/checked")
async def restart_checked(action: ServiceAction):
    if action.name not in KNOWN_SERVICES:
        raise HTTPException(status_code=400, detail="unknown service")
    logger.warning("restart of %s", action.name)  # ok: PY815
    proc = await asyncio.create_subprocess_shell(f"systemctl restart {action.name}")  # ok: PY801
    return {"returncode": await proc.wait()}


@app.post("/services/{name}/restart")
def restart_via_manager(name: str):
    manager = ServiceManager(name)
    manager.restart()
    return {"active": manager.is_active()}


@app.get("/services/{name}/status")
async def service_status(name: str):
    proc = await asyncio.create_subprocess_shell(  # ok: PY801
        "systemctl status --no-pager " + shlex.quote(name),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    return {"status": out.decode()}


@app.get("/services/{name}/pid")
async def service_pid(name: str):
    proc = await asyncio.create_subprocess_exec(  # ok: PY801
        "systemctl", "show", "--property=MainPID", name,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    return {"pid": out.decode().strip()}


@app.get("/services/{name}/logs")
def service_logs(name: str, lines: str = "100"):
    return {"lines": tail_log(name, lines).splitlines()}


@app.get("/services/{name}/grep")
def service_grep(name: str, pattern: str):
    return {"lines": grep_logs(name, pattern).splitlines()}


@app.post("/services/reload")
def reload_units():
    reload_unit_files()
    return {"status": "reloaded"}


@app.get("/metrics/compute")
def compute_metric(expr: str):
    """Evaluate a quick ad-hoc metric expression, e.g. ``cpu * 100``."""
    context = {"cpu": 0.42, "mem": 0.73, "disk": 0.51}
    return {"value": eval(expr, {}, context)}  # expect: PY802


@app.get("/metrics/aggregate")
def aggregate(fn: str, values: str):
    if fn not in AGGREGATES:
        raise HTTPException(status_code=400, detail="unsupported aggregate")
    numbers = [float(v) for v in values.split(",")]
    return {"value": eval(fn)(numbers)}  # ok: PY802


@app.post("/rules")
def add_rule(rule: RuleIn):
    """Alerting rules are small python snippets compiled at upload time."""
    code = compile(rule.source, f"<rule {rule.name}>", "exec")  # expect: PY802
    namespace = {}
    exec(code, namespace)  # expect: PY802
    return {"name": rule.name, "symbols": sorted(namespace)}


@app.post("/rules/builtin/{name}")
def add_builtin_rule(name: str):
    builtin_rules = {
        "high_cpu": "alert = metrics['cpu'] > 0.9",
        "low_disk": "alert = metrics['disk'] > 0.95",
    }
    if name not in builtin_rules:
        raise HTTPException(status_code=404)
    namespace = {"metrics": {"cpu": 0.5, "disk": 0.2}}
    exec(builtin_rules[name], namespace)  # ok: PY802
    return {"alert": namespace["alert"]}


@app.post("/databases/{database}/dump")
def dump_database(database: str):
    result = subprocess.run(dump_command(database), shell=True)  # expect: PY801
    return {"returncode": result.returncode}


@app.post("/databases/nightly-dump")
def nightly_dump():
    for database in ("ops", "metrics"):
        subprocess.run(dump_command(database), shell=True, check=True)  # ok: PY801
    return {"status": "ok"}
