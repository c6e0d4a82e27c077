"""A fake ACP agent for the test suite: speaks line-delimited JSON-RPC 2.0
over stdio like `opencode acp` or `gemini --acp`, scripted by a JSON file.

The script is $FAKE_ACP_SCRIPT; the section used is the one named after the
program (its file name, so one script serves several symlinked agents), or
"default". Keys:

  models          [{"id","name"}]: sent in the legacy `models` field
  config_models   [{"id","name"}]: sent as a typed model selector
  modes           [{"id","name"}], current_mode
  commands        [{"name","description"}]: available_commands_update
  commands_delay  seconds before the commands notification
  delay           seconds before answering session/new
  init_delay      seconds before answering initialize
  auth_error      answer session/new with -32000
  crash           "initialize" | "session/new": a line on stderr, exit 3 at that step
  hang            "initialize" | "session/new": spawn a child, then never answer
  not_acp         print a banner and exit, like a terminal program
  version         what --version prints

Every start appends "<name> start <pid> <time>" to $FAKE_ACP_LOG, and
"<name> end <pid> <time>" once session/new is answered; a hanging agent writes
its child's pid to $FAKE_ACP_LOG.child.
"""

import json
import os
import sys
import time

NAME = os.path.basename(sys.argv[0]).removesuffix(".py")


def log(event):
    path = os.environ.get("FAKE_ACP_LOG")
    if path:
        with open(path, "a") as f:
            f.write(f"{NAME} {event} {os.getpid()} {time.time():.6f}\n")


def load():
    path = os.environ.get("FAKE_ACP_SCRIPT")
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        all_scripts = json.load(f)
    return all_scripts.get(NAME, all_scripts.get("default", {}))


def send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def hang():
    import subprocess  # only here: keeps the common start fast

    child = subprocess.Popen(["sleep", "1000"])
    path = os.environ.get("FAKE_ACP_LOG")
    if path:
        with open(path + ".child", "a") as f:
            f.write(f"{child.pid}\n")
    while True:
        time.sleep(1000)


def main():
    script = load()
    if "--version" in sys.argv[1:]:
        print(script.get("version", f"{NAME} 1.0.0"))
        return
    log("start")
    if script.get("not_acp"):
        print(f"Welcome to {NAME}! Type a prompt to begin.")
        return
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        msg = json.loads(line)
        method, mid = msg.get("method"), msg.get("id")
        if method is None:
            continue
        if script.get("crash") == method:
            sys.stderr.write(f"{NAME}: fatal: scripted crash in {method}\n")
            sys.exit(3)
        if script.get("hang") == method:
            hang()
        if method == "initialize":
            time.sleep(script.get("init_delay", 0))
            send({"jsonrpc": "2.0", "id": mid, "result": {
                "protocolVersion": 1,
                "agentCapabilities": {},
                "authMethods": [],
                "agentInfo": {"name": NAME, "version": "1.0.0"},
            }})
        elif method == "session/new":
            time.sleep(script.get("delay", 0))
            if script.get("auth_error"):
                send({"jsonrpc": "2.0", "id": mid,
                      "error": {"code": -32000, "message": "Authentication required"}})
                continue
            result = {"sessionId": "sess_1"}
            if "models" in script:
                result["models"] = {
                    "currentModelId": (script["models"] or [{"id": None}])[0]["id"],
                    "availableModels": [
                        {"modelId": m["id"], "name": m.get("name", m["id"])}
                        for m in script["models"]
                    ],
                }
            if "config_models" in script:
                ms = script["config_models"]
                result["configOptions"] = [{
                    "id": "model", "name": "Model", "category": "model",
                    "type": "select", "currentValue": ms[0]["id"],
                    "options": [{"value": m["id"], "name": m.get("name", m["id"])} for m in ms],
                }]
            if "modes" in script:
                result["modes"] = {
                    "currentModeId": script.get("current_mode", script["modes"][0]["id"]),
                    "availableModes": script["modes"],
                }
            send({"jsonrpc": "2.0", "id": mid, "result": result})
            log("end")
            if "commands" in script:
                time.sleep(script.get("commands_delay", 0))
                send({"jsonrpc": "2.0", "method": "session/update", "params": {
                    "sessionId": "sess_1",
                    "update": {"sessionUpdate": "available_commands_update",
                               "availableCommands": script["commands"]},
                }})
        elif mid is not None:
            send({"jsonrpc": "2.0", "id": mid,
                  "error": {"code": -32601, "message": "method not found"}})


if __name__ == "__main__":
    main()
