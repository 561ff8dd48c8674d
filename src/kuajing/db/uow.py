"""The unit of work: services receive one and never commit; the command, request or job does."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from kuajing.db.engine import make_engine, make_session_factory

_T = TypeVar("_T")


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def run_job(database_url: str, job: Callable[[Session], _T]) -> _T:
    """A command's one unit of work on its own engine: commit what ``job`` did, roll back on an error."""
    engine = make_engine(database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            result = job(uow.session)
            uow.commit()
            return result
    finally:
        engine.dispose()
