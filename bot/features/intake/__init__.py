"""Job order intake: the HTTP API (``api``), its OpenAPI description (``openapi``) and the stream
worker that turns accepted job orders into shortlist cards (``worker``)."""

from bot.features.intake.api import IntakeApi, JobOrderWriter, accept_job_order
from bot.features.intake.openapi import MAX_BATCH, openapi_spec
from bot.features.intake.worker import (
    ChannelNotInstalled,
    IntakeWorker,
    NotYet,
    PostingInProgress,
    ShortlistPublisher,
    WorkerLifecycle,
)

__all__ = [
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
