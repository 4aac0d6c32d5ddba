import CRdKafka

/// The version check that refuses a librdkafka older than the headers (docs/KAFKA.md: the
/// binary can silently load Debian's 2.0.2 while compiled against 2.8.0).
enum RDKafkaVersion {
    /// The linked library's version, e.g. "2.8.0".
    static var linked: String { String(cString: rd_kafka_version_str()) }

    /// - Throws: ``KafkaError/Code/libraryTooOld`` when the linked library is older than the headers.
    static func check() throws {
        let linked = rd_kafka_version()
        let headers = RD_KAFKA_VERSION
        guard linked >= headers else {
            throw KafkaError(
                .libraryTooOld,
                "linked librdkafka \(Self.linked) (0x\(String(linked, radix: 16))) is older than the "
                    + "headers it was built with (0x\(String(headers, radix: 16))); "
                    + "run infra/dev/bootstrap and rebuild from clean (docs/KAFKA.md)")
        }
    }
}
