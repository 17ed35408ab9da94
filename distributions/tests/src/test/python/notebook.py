#!/usr/bin/python3
"""What a notebook user does with nothing but requests: submit a task to a Kumiki container,
watch its state changes (Server-Sent Events), fetch its result and output.

    /usr/bin/python3 notebook.py http://127.0.0.1:8080 TOKEN

Prints one JSON line: the task id, the states seen, the final state, exit code and stdout lines.
"""
import json
import sys
import uuid

import requests


def events(response):
    """Yields (event, data) from a text/event-stream response."""
    name, data = None, []
    for line in response.iter_lines(decode_unicode=True):
        if line is None:
            continue
        if line == "":
            if data:
                yield name, json.loads("\n".join(data))
            name, data = None, []
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


def main(base, token):
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + token
    spec = {"name": "notebook", "command": ["sh", "-c", "echo 6*7=$((6*7))"], "labels": {"from": "notebook"}}
    r = s.post(base + "/api/scheduler/tasks", json=spec, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=30)
    r.raise_for_status()
    task = r.json()
    tid = task["id"]
    states = [task["state"]]
    final = None
    with s.get(base + "/api/scheduler/tasks/" + tid + "/events", stream=True, timeout=120) as stream:
        stream.raise_for_status()
        for name, data in events(stream):
            if states[-1] != data["state"]:
                states.append(data["state"])
            if name == "end":
                final = data
                break
    result = s.get(base + "/api/scheduler/tasks/" + tid + "/result", timeout=30)
    result.raise_for_status()
    out = s.get(base + "/api/scheduler/tasks/" + tid + "/output", params={"lines": 10}, timeout=30)
    out.raise_for_status()
    print(json.dumps({"id": tid, "states": states, "end": final["state"] if final else None,
                      "state": result.json()["state"], "exitCode": result.json().get("exitCode"),
                      "stdout": out.json()["lines"]}))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
