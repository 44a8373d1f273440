"""A worker in its own process, so the bench can measure its memory and CPU alone and
the driver's load generator does not share its interpreter lock.

``python -m bench.worker_proc --kind raw|kinerja ...`` prints ``READY`` once polling
and runs until SIGTERM.
"""

import argparse
import asyncio
import signal
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from bench.raw import RawActivities, create_raw_table
from bench.raw_workflow import RawWorkflow
from persistence.db import create_engine, create_sessionmaker, to_async_url
from runtime.temporal import connect
from runtime.worker import WORKFLOWS, build_activities, build_worker, workflow_runner


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("raw", "kinerja"), required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument(
        "--config",
        default="shipped",
        help="shipped: runtime.worker.build_worker as it is; custom: the options below",
    )
    parser.add_argument("--max-cached", type=int, default=None)
    parser.add_argument("--max-activities", type=int, default=None)
    parser.add_argument("--max-workflow-tasks", type=int, default=None)
    parser.add_argument("--fanout-concurrency", type=int, default=20)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--unsandboxed", action="store_true")
    parser.add_argument(
        "--passthrough", default="", help="extra sandbox passthrough modules, comma-separated"
    )
    parser.add_argument(
        "--no-pre-ping", action="store_true", help="engine without pool_pre_ping (measured only)"
    )
    return parser


def _options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.max_cached is not None:
        options["max_cached_workflows"] = args.max_cached
    if args.max_activities is not None:
        options["max_concurrent_activities"] = args.max_activities
    if args.max_workflow_tasks is not None:
        options["max_concurrent_workflow_tasks"] = args.max_workflow_tasks
    if args.unsandboxed:
        options["workflow_runner"] = UnsandboxedWorkflowRunner()
    elif args.passthrough:
        restrictions = workflow_runner().restrictions.with_passthrough_modules(
            *args.passthrough.split(",")
        )
        options["workflow_runner"] = SandboxedWorkflowRunner(restrictions=restrictions)
    else:
        options["workflow_runner"] = workflow_runner()
    return options


async def main(args: argparse.Namespace) -> None:
    client = await connect(args.address)
    if args.no_pre_ping:
        engine = create_async_engine(
            to_async_url(args.database_url),
            pool_size=args.pool_size,
            max_overflow=args.pool_size,
            pool_pre_ping=False,
        )
    else:
        engine = create_engine(args.database_url, pool_size=args.pool_size)
    sessionmaker = create_sessionmaker(engine)
    if args.kind == "raw":
        await create_raw_table(engine)
        options = {"max_concurrent_activities": 100, **_options(args)}
        if args.config == "shipped":  # the options build_worker gives ours
            options["workflow_runner"] = workflow_runner()
        elif args.passthrough and not args.unsandboxed:  # the same favour as ours gets
            restrictions = workflow_runner().restrictions.with_passthrough_modules("bench")
            options["workflow_runner"] = SandboxedWorkflowRunner(restrictions=restrictions)
        worker = Worker(
            client,
            task_queue=args.task_queue,
            workflows=[RawWorkflow],
            activities=[RawActivities(sessionmaker).raw_record],
            **options,
        )
    elif args.config == "shipped":
        worker = build_worker(
            client,
            sessionmaker,
            task_queue=args.task_queue,
            fanout_concurrency=args.fanout_concurrency,
            **({} if args.max_cached is None else {"workflow_cache": args.max_cached}),
        )
    else:
        options = {"max_concurrent_activities": 100, **_options(args)}
        worker = Worker(
            client,
            task_queue=args.task_queue,
            workflows=list(WORKFLOWS),
            activities=build_activities(
                client,
                sessionmaker,
                task_queue=args.task_queue,
                fanout_concurrency=args.fanout_concurrency,
            ),
            **options,
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with worker:
        cached = worker.config().get("max_cached_workflows")
        print(f"READY {cached}", flush=True)
        await stop.wait()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(_parser().parse_args()))
