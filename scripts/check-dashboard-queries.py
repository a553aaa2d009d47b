#!/usr/bin/env python3
"""Runs every query of the Grafana dashboard and every alert expression against a live Prometheus.

    scripts/check-dashboard-queries.py [PROMETHEUS_URL]     (default http://localhost:9090)

Grafana's variables are replaced first ($__rate_interval -> 1m, $vhost -> .*). For each query it
prints OK/EMPTY/ERROR, the number of series and one sample. ERROR (bad syntax, unknown function)
fails the script; EMPTY does not (a counter that has not moved yet, an alert that is not firing).
Needs python3 and PyYAML (Debian: python3-yaml).
"""
import json
import pathlib
import sys
import urllib.parse
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROM = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:9090").rstrip("/")
SUBST = {"$__rate_interval": "1m", "$__range": "1h", "$__interval": "15s", "$vhost": ".*"}


def queries():
    dash = json.loads((ROOT / "docker/grafana/dashboards/order-expiry.json").read_text())
    for panel in dash["panels"]:
        for target in panel.get("targets", []):
            yield f"panel '{panel['title']}' {target['refId']}", target["expr"]
    rules = yaml.safe_load((ROOT / "docker/prometheus/alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            yield f"alert {rule.get('alert') or rule.get('record')}", rule["expr"]


def run(expr):
    for k, v in SUBST.items():
        expr = expr.replace(k, v)
    url = PROM + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    return body


failed = 0
for name, expr in queries():
    body = run(expr)
    if body.get("status") != "success":
        failed += 1
        print(f"ERROR  {name}: {body.get('error')}\n       {expr}")
        continue
    result = body["data"]["result"]
    if not result:
        print(f"EMPTY  {name}")
        continue
    first = result[0]
    labels = {k: v for k, v in first["metric"].items() if k not in ("instance",)}
    print(f"OK     {name}: {len(result)} series, e.g. {labels} = {first['value'][1]}")
sys.exit(1 if failed else 0)
