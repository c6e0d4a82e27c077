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
  ballast         megabytes of memory filled at start, so that the agent's
                  exit after SIGKILL takes a moment (a client that does not
                  wait for it returns while it is still there)
  version         what --version prints
  load_session    advertise loadSession (and answer session/load)
  turn            the steps of every session/prompt, in order:
                    {"text": "..."} / {"thought": "..."}   a chunk
                    {"tool": id, "title", "kind", "status"} a tool call (or its update)
                    {"plan": [entries]}
                    {"permission": id, "call": {...}}  ask (about "call", default an edit
                        of notes.txt); the chosen option's id is said as text
                    {"write": path, "content": "..."}  fs/write_text_file; the answer
                        (ok or the error message) is said as text
                    {"read": path}      fs/read_text_file; the content as text
                    {"symlink": path, "to": target}  make a symlink in the cwd
                    {"mkfifo": path}    make a FIFO in the cwd (a hostile agent's trap)
                    {"sleep": seconds}
                    {"stall": true}     wait until session/cancel (stop: cancelled)
                    {"crash": true}     a line on stderr, exit 5
                    {"error": code}     answer the prompt with that JSON-RPC error
  stop_reason     the prompt's stop reason (default end_turn)
  usage           the prompt's usage object

The script is read again for every session/prompt (a kept agent follows
its changes). Each prompt's text is appended to $FAKE_ACP_LOG as "<name> prompt <session>
<text>"; session/load as "<name> load <session>", session/cancel as "<name> cancel".

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


PENDING = []


def read_msg():
    """The next message from stdin (None at its end)."""
    if PENDING:
        return PENDING.pop(0)
    line = sys.stdin.readline()
    while line and not line.strip():
        line = sys.stdin.readline()
    return json.loads(line) if line else None


def call(method, params, next_id=[1000]):
    """A request to the client; returns (result, error). Messages that come
    meanwhile are kept for the main loop."""
    next_id[0] += 1
    mid = next_id[0]
    send({"jsonrpc": "2.0", "id": mid, "method": method, "params": params})
    while True:
        msg = read_msg()
        if msg is None:
            sys.exit(0)
        if msg.get("id") == mid and "method" not in msg:
            return msg.get("result"), msg.get("error")
        PENDING.append(msg)


def update(sid, u):
    send({"jsonrpc": "2.0", "method": "session/update", "params": {"sessionId": sid, "update": u}})


def say(sid, text, kind="agent_message_chunk"):
    update(sid, {"sessionUpdate": kind, "content": {"type": "text", "text": text}})


def wait_cancel():
    while True:
        msg = read_msg()
        if msg is None:
            sys.exit(0)
        if msg.get("method") == "session/cancel":
            log("cancel")
            return


def run_turn(script, sid, mid):
    for step in script.get("turn", []):
        if "text" in step:
            say(sid, step["text"])
        elif "thought" in step:
            say(sid, step["thought"], "agent_thought_chunk")
        elif "tool" in step:
            u = {"sessionUpdate": "tool_call" if step.get("new", True) else "tool_call_update",
                 "toolCallId": step["tool"]}
            for k in ("title", "kind", "status", "rawInput"):
                if k in step:
                    u[k] = step[k]
            update(sid, u)
        elif "plan" in step:
            update(sid, {"sessionUpdate": "plan", "entries": step["plan"]})
        elif "permission" in step:
            tool_call = {"toolCallId": step["permission"], "title": "write notes.txt",
                         "kind": "edit", "locations": [{"path": "notes.txt"}]}
            tool_call.update(step.get("call", {}))
            result, _ = call("session/request_permission", {
                "sessionId": sid,
                "toolCall": tool_call,
                "options": [
                    {"optionId": "yes", "name": "Allow", "kind": "allow_once"},
                    {"optionId": "always", "name": "Always", "kind": "allow_always"},
                    {"optionId": "no", "name": "Reject", "kind": "reject_once"},
                ],
            })
            outcome = (result or {}).get("outcome", {})
            say(sid, f"permission:{outcome.get('optionId', outcome.get('outcome'))}\n")
        elif "write" in step:
            _, err = call("fs/write_text_file", {"sessionId": sid, "path": step["write"],
                                                  "content": step.get("content", "")})
            say(sid, f"write:{'ok' if err is None else 'refused ' + str(err.get('code'))}\n")
        elif "read" in step:
            result, err = call("fs/read_text_file", {"sessionId": sid, "path": step["read"]})
            say(sid, f"read:{(result or {}).get('content') if err is None else 'refused'}\n")
        elif "symlink" in step:
            os.symlink(step["to"], step["symlink"])
        elif "mkfifo" in step:
            os.mkfifo(step["mkfifo"])
        elif "sleep" in step:
            time.sleep(step["sleep"])
        elif step.get("stall"):
            wait_cancel()
            send({"jsonrpc": "2.0", "id": mid, "result": {"stopReason": "cancelled"}})
            return
        elif step.get("crash"):
            sys.stderr.write(f"{NAME}: fatal: scripted crash mid-turn\n")
            sys.stderr.flush()
            os._exit(5)
        elif "error" in step:
            send({"jsonrpc": "2.0", "id": mid,
                  "error": {"code": step["error"], "message": step.get("message", "scripted error")}})
            return
    result = {"stopReason": script.get("stop_reason", "end_turn")}
    if "usage" in script:
        result["usage"] = script["usage"]
    send({"jsonrpc": "2.0", "id": mid, "result": result})


def main():
    script = load()
    if "--version" in sys.argv[1:]:
        print(script.get("version", f"{NAME} 1.0.0"))
        return
    ballast = b"\x01" * (script.get("ballast", 0) << 20)  # noqa: F841 (held)
    log("start")
    if script.get("not_acp"):
        print(f"Welcome to {NAME}! Type a prompt to begin.")
        return
    sessions = 0
    while True:
        msg = read_msg()
        if msg is None:
            break
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
                "agentCapabilities": {"loadSession": bool(script.get("load_session"))},
                "authMethods": [],
                "agentInfo": {"name": NAME, "version": "1.0.0"},
            }})
        elif method == "session/new":
            time.sleep(script.get("delay", 0))
            if script.get("auth_error"):
                send({"jsonrpc": "2.0", "id": mid,
                      "error": {"code": -32000, "message": "Authentication required"}})
                continue
            sessions += 1
            result = {"sessionId": f"sess_{os.getpid()}_{sessions}"}
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
        elif method == "session/load" and script.get("load_session"):
            log(f"load {msg['params']['sessionId']}")
            say(msg["params"]["sessionId"], "HISTORY SHOULD NOT BE PRINTED")
            send({"jsonrpc": "2.0", "id": mid, "result": {}})
        elif method == "session/set_model":
            log(f"set_model {msg['params']['modelId']}")
            send({"jsonrpc": "2.0", "id": mid, "result": {}})
        elif method == "session/prompt":
            sid = msg["params"]["sessionId"]
            text = "".join(b.get("text", "") for b in msg["params"]["prompt"])
            log(f"prompt {sid} {text}")
            # Read again: a kept agent follows the script as it is now.
            run_turn(load(), sid, mid)
        elif method == "session/cancel":
            log("cancel")
        elif mid is not None:
            send({"jsonrpc": "2.0", "id": mid,
                  "error": {"code": -32601, "message": "method not found"}})


if __name__ == "__main__":
    main()
