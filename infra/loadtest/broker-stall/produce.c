/* The broker alone, with the issuer's producer settings: one small message every INTERVAL ms
 * (librdkafka, idempotent, acks=all, linger 1 ms) and the time from produce to its delivery
 * report, beside CONSUMERS readers of the same topic as the resources read it (manual
 * assignment, fetch.wait.max.ms 10), which time each message from its production (the stamp in
 * its value) to its reading. Prints every delivery slower than 5 s, every error callback and a
 * summary every minute: does the broker stop acknowledging produce requests on its own, and does
 * reading slow down as the partition fills?
 *
 *   produce BROKERS TOPIC SECONDS INTERVAL_MS CONSUMERS [key=value ...]   (producer properties)
 * Built and run by infra/loadtest/broker-stall/run. */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double started;
static long delivered, failed, slow;
static double worst, minute_worst;

static volatile int running = 1;
static const char *brokers, *topic;
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static long seen;            /* messages read by the readers this minute */
static double seen_sum, seen_worst; /* produce -> read, ms */

/* A reader of partition 0 from the beginning, as the resources read the revocation topic. */
static void *consume(void *unused) {
    (void)unused;
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers, error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", "stall-unused", error, sizeof error);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", error, sizeof error);
    rd_kafka_conf_set(conf, "fetch.error.backoff.ms", "100", error, sizeof error);
    rd_kafka_conf_set(conf, "socket.nagle.disable", "true", error, sizeof error);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    while (running) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) continue;
        if (!m->err && m->len > 0) {
            char stamp[32] = {0};
            memcpy(stamp, m->payload, m->len < 31 ? m->len : 31);
            double took = now_ms() - atof(stamp);
            pthread_mutex_lock(&seen_lock);
            seen++;
            seen_sum += took;
            if (took > seen_worst) seen_worst = took;
            pthread_mutex_unlock(&seen_lock);
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return NULL;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    double sent = *(double *)m->_private;
    double took = now_ms() - sent;
    free(m->_private);
    if (m->err) {
        failed++;
        printf("%8.1f s  delivery FAILED after %.0f ms: %s\n", (now_ms() - started) / 1e3, took, rd_kafka_err2str(m->err));
        return;
    }
    delivered++;
    if (took > worst) worst = took;
    if (took > minute_worst) minute_worst = took;
    if (took > 1000) slow++;
    if (took > 5000) {
        printf("%8.1f s  delivery after %.0f ms (offset %lld)\n", (now_ms() - started) / 1e3, took, (long long)m->offset);
    }
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)rk;
    (void)opaque;
    printf("%8.1f s  error callback: %s: %s\n", (now_ms() - started) / 1e3, rd_kafka_err2name(err), reason);
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: produce BROKERS TOPIC SECONDS INTERVAL_MS CONSUMERS [key=value ...]\n");
        return 2;
    }
    brokers = argv[1];
    topic = argv[2];
    pthread_t readers[64];
    int consumers = atoi(argv[5]) < 64 ? atoi(argv[5]) : 64;
    for (int i = 0; i < consumers; i++) pthread_create(&readers[i], NULL, consume, NULL);
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *settings[][2] = {{"bootstrap.servers", argv[1]}, {"enable.idempotence", "true"}, {"acks", "all"},
                                 {"linger.ms", "1"}, {"message.timeout.ms", "10000"}, {"socket.nagle.disable", "true"}};
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], error, sizeof error) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "%s\n", error);
            return 2;
        }
    for (int i = 6; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) return 2;
        *eq = 0;
        if (rd_kafka_conf_set(conf, argv[i], eq + 1, error, sizeof error) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "%s\n", error);
            return 2;
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "%s\n", error);
        return 1;
    }
    printf("librdkafka %s; one message every %s ms for %s s; %d consumers\n", rd_kafka_version_str(), argv[4], argv[3],
           consumers);
    started = now_ms();
    double end = started + atof(argv[3]) * 1e3, interval = atof(argv[4]), next = started, minute = started + 60e3;
    long sent = 0;
    char value[160];
    memset(value, 'x', sizeof value);
    while (now_ms() < end) {
        if (now_ms() >= next) {
            double *stamp = malloc(sizeof *stamp);
            *stamp = now_ms();
            snprintf(value, sizeof value, "%.3f", *stamp);
            value[strlen(value)] = ' ';
            rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_VALUE(value, sizeof value),
                                                        RD_KAFKA_V_OPAQUE(stamp), RD_KAFKA_V_END);
            if (err) {
                printf("produce refused: %s\n", rd_kafka_err2str(err));
                free(stamp);
            }
            sent++;
            next += interval;
        }
        rd_kafka_poll(rk, 5);
        if (now_ms() >= minute) {
            pthread_mutex_lock(&seen_lock);
            printf("%8.1f s  sent %ld, delivered %ld, failed %ld, slower than 1 s %ld, worst this minute %.0f ms; "
                   "read %ld, produce->read mean %.1f ms, worst %.0f ms\n",
                   (now_ms() - started) / 1e3, sent, delivered, failed, slow, minute_worst, seen,
                   seen ? seen_sum / seen : 0.0, seen_worst);
            seen = 0;
            seen_sum = seen_worst = 0;
            pthread_mutex_unlock(&seen_lock);
            fflush(stdout);
            minute_worst = 0;
            minute += 60e3;
        }
    }
    rd_kafka_flush(rk, 15000);
    printf("end: sent %ld, delivered %ld, failed %ld, slower than 1 s %ld, worst %.0f ms\n", sent, delivered, failed, slow,
           worst);
    rd_kafka_destroy(rk);
    running = 0;
    for (int i = 0; i < consumers; i++) pthread_join(readers[i], NULL);
    return failed || slow ? 1 : 0;
}
