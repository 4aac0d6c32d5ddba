import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

/// Rotates the signing key every `KEY_ROTATION_INTERVAL` (measured from when the newest key
/// started signing, so the schedule survives restarts) and removes keys whose last token has
/// expired. A new key is published at once and signs after `KEY_PUBLISH_LEAD` (``KeyRing``).
struct KeyRotationService: Service {
    let keys: SigningKeys
    let announcer: KeyAnnouncer
    /// `KEY_ROTATION_INTERVAL`.
    let interval: Duration
    let logger: Logger
    private static let tick = Duration.seconds(1)

    func run() async throws {
        await repeatUntilShutdown(every: Self.tick) { await step(now: Date().timeIntervalSince1970) }
    }

    /// One check: remove expired keys, rotate when due.
    func step(now: Double) async {
        do {
            let removed = try keys.prune(now: now)
            if !removed.isEmpty {
                logger.info("signing keys removed", metadata: ["kids": "\(removed.joined(separator: ","))"])
                announcer.keysChanged()
            }
            if isRotationDue(now: now) {
                let kid = try await keys.rotate(now: now)
                logger.info("scheduled key rotation", metadata: ["next_kid": "\(kid)"])
                announcer.keysChanged()
            }
        } catch {
            logger.error("key maintenance failed", metadata: ["error": "\(error)"])
        }
    }

    /// Due when the newest key has been signing for a whole interval (a key still waiting for
    /// its publish lead means a rotation is already under way).
    private func isRotationDue(now: Double) -> Bool {
        guard let newest = keys.ring.timelines.last else { return true }
        return now >= newest.activatesAt + interval.seconds
    }
}
