import Logging
import Metrics

/// How a consumer reports an event it refused: one warning with the reason and where the
/// message was, and `events_refused_total{topic,reason}`. A refused event changes nothing and
/// never stops the consumer.
public enum EventRefusal {
    /// Logs and counts `error` for the message at `partition`/`offset` of `topic`.
    public static func record(_ error: any Error, topic: String, partition: Int, offset: Int, logger: Logger) {
        let reason = (error as? EventError)?.code.name ?? "invalid"
        Counter(label: "events_refused_total", dimensions: [("topic", topic), ("reason", reason)]).increment()
        logger.warning(
            "refused an event",
            metadata: ["topic": "\(topic)", "reason": "\(reason)", "error": "\(error)", "partition": "\(partition)", "offset": "\(offset)"])
    }
}
