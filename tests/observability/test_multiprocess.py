"""PROMETHEUS_MULTIPROC_DIR: the counts of several processes (gunicorn's
workers, task workers) add up on /metrics, whichever process answers."""

from prometheus_client.parser import text_string_to_metric_families

from tests.observability.helpers import run_django


def run(code: str, multiproc_dir) -> str:
    return run_django(code, PROMETHEUS_MULTIPROC_DIR=str(multiproc_dir)).stdout


def test_two_processes_counts_add_up_in_a_third(tmp_path):
    count = "from lojista.core import metrics\nmetrics.EMAILS_SENT.inc({n})\n"
    run(count.format(n=2), tmp_path)
    run(count.format(n=3), tmp_path)

    text = run(
        "from lojista.observability.views import _process_counters\nprint(_process_counters().decode())",
        tmp_path,
    )

    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if not sample.labels
    }
    assert samples["lojista_emails_sent_total"] == 5
