"""Runs wrk with one of the Lua scripts in infra/loadtest/wrk and reads the JSON it writes."""
import json
import os
import signal
import subprocess
import tempfile
import time

WRK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "wrk")


class Run:
    """One wrk process, started at once; result() waits for it and returns its figures."""

    def __init__(self, url, script, duration, args, threads=1, connections=32, timeout="5s"):
        self.out = tempfile.NamedTemporaryFile(prefix="loadtest-", suffix=".json", delete=False).name
        env = dict(os.environ, LOADTEST_OUT=self.out, LOADTEST_WRK_DIR=WRK_DIR)
        env.update({k: str(v) for k, v in args.items() if k.startswith("LOADTEST_")})
        script_args = [f"{k}={v}" for k, v in args.items() if not k.startswith("LOADTEST_")] + [f"threads={threads}"]
        command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", timeout,
                   "-s", os.path.join(WRK_DIR, script), url, "--"] + script_args
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def stop(self):
        """Ends the run early the way wrk allows: SIGINT, after which it still reports."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def result(self):
        output, _ = self.process.communicate()
        try:
            with open(self.out) as file:
                figures = json.load(file)
        except (OSError, ValueError):
            raise SystemExit(f"loadtest: wrk wrote no report (exit {self.process.returncode}):\n{output}")
        finally:
            if os.path.exists(self.out):
                os.unlink(self.out)
        figures["requests_per_s"] = figures["requests"] / figures["duration_s"] if figures["duration_s"] else 0.0
        return figures


def run(url, script, duration, args, **options):
    return Run(url, script, duration, args, **options).result()


def run_until(url, script, limit_s, args, done, **options):
    """Runs until done() is true (polled every 0.2 s) or limit_s has passed."""
    runner = Run(url, script, limit_s, args, **options)
    while runner.process.poll() is None and not done():
        time.sleep(0.2)
    runner.stop()
    return runner.result()
