"""Job order intake: the HTTP API (``api``), its OpenAPI description (``openapi``) and the stream
worker that turns accepted job orders into shortlist cards (``worker``)."""

from bot.features.intake.api import INTAKE_API_KEY, IntakeApi, JobOrderWriter, accept_job_order
from bot.features.intake.openapi import MAX_BATCH, openapi_spec
from bot.features.intake.worker import (
    INTAKE_WORKER_KEY,
    ChannelNotInstalled,
    IntakeWorker,
    NotYet,
    PostingInProgress,
    ShortlistPublisher,
    WorkerLifecycle,
)

__all__ = [
    "INTAKE_API_KEY",
    "INTAKE_WORKER_KEY",
    "MAX_BATCH",
    "ChannelNotInstalled",
    "IntakeApi",
    "IntakeWorker",
    "JobOrderWriter",
    "NotYet",
    "PostingInProgress",
    "ShortlistPublisher",
    "WorkerLifecycle",
    "accept_job_order",
    "openapi_spec",
]
