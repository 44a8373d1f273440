"""PostgreSQL: SQLAlchemy 2 async models, repositories (all SQL lives here) and migrations."""
