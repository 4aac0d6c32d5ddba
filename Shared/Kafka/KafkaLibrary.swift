/// Facts about the librdkafka this module runs on.
public enum KafkaLibrary {
    /// The linked librdkafka's version, e.g. `"2.8.0"`, for logs and `--version` output.
    public static var version: String { RDKafkaVersion.linked }

    /// Checks that the linked librdkafka is not older than the headers it was compiled with
    /// (every client creation does this too).
    /// - Throws: ``KafkaError/Code/libraryTooOld`` when it is older.
    public static func checkVersion() throws { try RDKafkaVersion.check() }
}
