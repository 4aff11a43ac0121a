"""Database wiring for the ops admin API."""
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

DATABASE_URL = "postgresql+psycopg2://ops@db.internal/ops"

engine = create_engine(DATABASE_URL, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False)


def purge_expired_sessions():
    """Housekeeping task run from the scheduler."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sessions WHERE expires_at < now()"))  # ok: PY803


def user_by_email(email):
    with SessionLocal() as session:
        return session.execute(  # ok: PY803
            text("SELECT id, email, role FROM users WHERE email = :email"),
            {"email": email},
        ).first()


def users_in_team(team):
    with SessionLocal() as session:
        stmt = "SELECT id, email FROM users WHERE team = '%s' ORDER BY email" % team
        return session.execute(text(stmt)).fetchall()  # expect: PY803
