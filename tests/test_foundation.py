"""The PostgreSQL fixture really reaches a server and isolates each test in its own schema."""
from sqlalchemy import create_engine, text


def test_pg_fixture_gives_a_private_empty_schema(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        schema = conn.execute(text("select current_schema()")).scalar()
        assert schema.startswith("duban_t_")
        conn.execute(text("create table probe (id int)"))
        assert conn.execute(text("select count(*) from probe")).scalar() == 0
    engine.dispose()
