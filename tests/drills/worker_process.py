"""A Kinerja worker as its own process, so a drill can SIGKILL it mid-flight:
``python -m tests.drills.worker_process`` with ``DATABASE_URL``, ``TEMPORAL_ADDRESS`` and
``KINERJA_TASK_QUEUE`` set. It prints ``READY`` once it polls."""

import asyncio
import os

from persistence.db import create_engine, create_sessionmaker
from runtime.temporal import connect
from runtime.worker import build_worker


async def main() -> None:
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=10)
    client = await connect(os.environ["TEMPORAL_ADDRESS"])
    worker = build_worker(
        client, create_sessionmaker(engine), task_queue=os.environ["KINERJA_TASK_QUEUE"]
    )
    print("READY", flush=True)
    try:
        await worker.run()
    finally:
        await engine.dispose()


if __name__ == "__main__":  # the workflow sandbox re-imports this module: no side effects
    asyncio.run(main())
