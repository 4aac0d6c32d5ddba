import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

/// Publishes, every second and at start, what the revocation outbox still holds: the
/// revocations this issuer (or one killed before it) answered for but the broker did not
/// acknowledge. Together with Redis being written first, no revocation the issuer answered for
/// is lost (docs/REDIS-KEYS.md "Outbox").
final class OutboxDrain: Service {
    private let revoker: Revoker
    private let logger: Logger

    init(revoker: Revoker, logger: Logger) {
        self.revoker = revoker
        self.logger = logger
    }

    func run() async throws {
        await repeatUntilShutdown(every: .seconds(1)) {
            do {
                let published = try await RedisCall.run { [revoker] in try await revoker.drainOutbox(now: Date().timeIntervalSince1970) }
                if published > 0 { logger.info("revocations from the outbox published", metadata: ["count": "\(published)"]) }
            } catch {
                logger.debug("the revocation outbox cannot be read now", metadata: ["error": "\(error)"])
            }
        }
    }
}
