"""Unit tests of the soak's own logic (no cluster needed): the minute tallies, the bars and which
of them a short run gates. Run by `make test` (python3 -m unittest)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from loadtest import soak_report as report  # noqa: E402


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def minute(n, answers=None, delays=(5.0,), rss=None, redis_up=True):
    from loadtest.propagation import summary
    return {"minute": n, "answers": answers or {}, "propagation": summary(list(delays)),
            "processes": {name: {"rss_kib": kib, "cpu_percent": 1.0} for name, kib in (rss or {}).items()},
            "redis": {"ping_ms": 0.1 if redis_up else None}}


def result(minutes, refused=None, lost=0, valid_refused=0):
    return {"minutes": minutes, "refused_logins": refused or {}, "revocations": {"checked": 10, "lost": lost},
            "valid_tokens_refused": valid_refused}


def bar(bars, prefix):
    return next(b for b in bars if b["bar"].startswith(prefix))


class RecorderTests(unittest.TestCase):
    def test_answers_and_delays_land_in_the_minute_they_happened(self):
        clock = FakeClock()
        recorder = report.Recorder(clock)
        recorder.answer("login", 200)
        recorder.delay(12.0)
        clock.now += 61
        recorder.answer("login", 503)
        recorder.answer("login", None)
        recorder.answers_from("GET /api/me hot :8082", {200: 900, 401: 1}, minute=0)
        records = recorder.minutes(3)
        self.assertEqual(records[0]["answers"], {"GET /api/me hot :8082": {"200": 900, "401": 1}, "login": {"200": 1}})
        self.assertEqual(records[1]["answers"], {"login": {"503": 1, "none": 1}})
        self.assertEqual(records[0]["propagation"]["samples"], 1)
        self.assertEqual(records[2]["propagation"]["samples"], 0)
        self.assertEqual([r["minute"] for r in records], [1, 2, 3])

    def test_server_errors_count_5xx_and_no_answer_of_the_session_endpoints_only(self):
        answers = {"login": {"200": 5, "503": 2, "429": 1}, "logout": {"none": 1},
                   "GET /api/me hot :8082": {"503": 7}}
        self.assertEqual(report.server_errors(answers), 3)


class BarTests(unittest.TestCase):
    def test_a_clean_short_run_meets_the_robust_bars_and_cannot_judge_memory(self):
        bars = report.evaluate(result([minute(1), minute(2)]), short=True)
        self.assertTrue(all(b["met"] for b in bars if b["gating"]))
        self.assertIsNone(bar(bars, "RSS")["met"])
        self.assertEqual(report.verdict(bars)[1], 0)

    def test_a_503_on_login_while_redis_answers_fails_even_a_short_run(self):
        bars = report.evaluate(result([minute(1, {"login": {"503": 1}})]), short=True)
        self.assertFalse(bar(bars, "0 5xx")["met"])
        self.assertEqual(report.verdict(bars)[1], 1)

    def test_5xx_while_redis_is_down_do_not_count(self):
        bars = report.evaluate(result([minute(1, {"login": {"503": 4}}, redis_up=False)]), short=True)
        self.assertTrue(bar(bars, "0 5xx")["met"])

    def test_5xx_in_a_minute_where_redis_stalled_for_seconds_do_not_count(self):
        stalled = minute(1, {"login": {"503": 4}})
        stalled["redis"]["slowest_ping_ms"] = 4000.0
        slow = minute(2, {"login": {"503": 1}})
        slow["redis"]["slowest_ping_ms"] = 1200.0
        first = bar(report.evaluate(result([stalled, slow]), short=True), "0 5xx")
        self.assertFalse(first["met"])
        self.assertIn("1 in the 1 of 2 minutes", first["detail"])
        self.assertIn("(5 in all minutes)", first["detail"])

    def test_false_lockouts_lost_revocations_and_refused_tokens_fail(self):
        for kwargs, prefix in (({"refused": {"soak-1": 2}}, "0 refused"), ({"lost": 1}, "0 revocations"),
                               ({"valid_refused": 3}, "0 valid")):
            bars = report.evaluate(result([minute(1)], **kwargs), short=True)
            self.assertFalse(bar(bars, prefix)["met"], prefix)
            self.assertEqual(report.verdict(bars)[1], 1, prefix)

    def test_a_slow_minute_is_reported_by_a_short_run_but_gates_a_full_one(self):
        minutes = [minute(1, delays=[5.0] * 50), minute(2, delays=[5.0] * 49 + [180.0])]
        short = report.evaluate(result(minutes), short=True)
        self.assertFalse(bar(short, "propagation")["met"])
        self.assertEqual(report.verdict(short)[1], 0)
        full = report.evaluate(result(minutes), short=False)
        self.assertEqual(report.verdict(full)[1], 1)
        self.assertIn("[2]", bar(full, "propagation")["detail"])

    def test_memory_is_compared_with_the_reading_after_five_minutes(self):
        steady = [minute(n, rss={"issuer": 100_000 if n < 5 else 50_000}) for n in range(1, 5)]
        after = [minute(n, rss={"issuer": 54_000}) for n in range(5, 11)]
        self.assertTrue(report.rss_bar(steady + after, gating=True)["met"])
        grown = after[:-1] + [minute(10, rss={"issuer": 60_000})]
        missed = report.rss_bar(steady + grown, gating=True)
        self.assertFalse(missed["met"])
        self.assertIn("issuer +11.1%", missed["detail"])

    def test_the_stores_memory_is_reported_but_not_judged(self):
        minutes = [minute(n, rss={"issuer": 50_000, "redis": 8_000 + 1_000 * n}) for n in range(1, 11)]
        judged = report.rss_bar(minutes, gating=True)
        self.assertTrue(judged["met"])
        self.assertIn("redis +38.5% (a store: reported)", judged["detail"])

    def test_the_table_names_every_bar_and_the_verdict(self):
        data = result([minute(1, {"login": {"200": 3}}, rss={"issuer": 2048})])
        data["bars"] = report.evaluate(data, short=True)
        text = report.table(data)
        self.assertIn("verdict:", text)
        self.assertIn("not judged", text)
        self.assertIn("3/0/0", text)


if __name__ == "__main__":
    unittest.main()
