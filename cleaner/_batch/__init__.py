"""Batch cleaning: many inputs, a process pool (or a Dask cluster), ordered durable output.

``run_batch`` is what ``cleaner clean`` calls; the pieces (planning, the per-input work, the
pool, sinks, stats) are in their own modules so each can be read alone.
"""

from ._plan import InputFormat, plan, plan_units, single_document
from ._run import BatchOptions, default_jobs, run_batch
from ._stats import Stats
from ._work import Job, LineBlock, Packed, Task, Unit, Worker

__all__ = ["BatchOptions", "InputFormat", "Job", "LineBlock", "Packed", "Stats", "Task", "Unit",
           "Worker", "default_jobs", "plan", "plan_units", "run_batch", "single_document"]
