from prometheus_client.parser import text_string_to_metric_families

# The test client's REMOTE_ADDR is 127.0.0.1; a public one, for the refusals.
PUBLIC = "93.184.216.34"


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    """GET /metrics as Prometheus would and parse it: {(sample name, labels): value}."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    families = text_string_to_metric_families(response.content.decode())
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in families
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)
