"""Background jobs take at most all but one of the worker's threads; one that finds no slot
goes back to the queue for a moment instead of waiting on a thread."""
from __future__ import annotations

import pytest
from huey.exceptions import RetryTask

from mastery_share import job_slots


@pytest.fixture(autouse=True)
def _no_slots_after():
    yield
    job_slots.stop_keeping()


def test_two_threads_leave_one_free_for_uploads():
    job_slots.keep_a_thread_for_uploads(2)
    with job_slots.background_slot():
        with pytest.raises(RetryTask) as refused, job_slots.background_slot():
            pass
        assert refused.value.delay == job_slots.RETRY_AFTER_S
    with job_slots.background_slot():  # released: the next background job runs
        pass


def test_three_threads_run_two_background_jobs_and_one_thread_runs_one():
    job_slots.keep_a_thread_for_uploads(3)
    with (job_slots.background_slot(), job_slots.background_slot(),
          pytest.raises(RetryTask), job_slots.background_slot()):
        pass
    job_slots.keep_a_thread_for_uploads(1)  # nothing to keep: the one thread does it all
    with job_slots.background_slot(), pytest.raises(RetryTask), job_slots.background_slot():
        pass


def test_jobs_run_inline_take_no_slot():
    with job_slots.background_slot(), job_slots.background_slot():
        pass
