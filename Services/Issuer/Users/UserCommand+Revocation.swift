import Foundation
import Kafka
import Logging
import Redis
import ServiceLifecycle

extension UserCommand {
    /// Ends every session of `name` and refuses its access tokens issued until now, as
    /// logout-all does: through Redis and the revocations topic, with the issuer's settings.
    /// - Throws: ``CommandFailure`` when Redis or the broker does not take it (the user store
    ///   change is made already; running the command again repeats the revocation).
    static func revokeEverything(of name: String, settings: IssuerSettings, because reason: String) async throws {
        var logger = Logger(label: "issuer")
        logger.logLevel = .error
        var redisConfiguration = settings.redis
        redisConfiguration.commandTimeout = RedisCall.commandTimeout
        let redis = try RedisClient(configuration: redisConfiguration)
        let (kafkaPublisher, producer) = try EventPublisher.make(
            settings: settings, clientID: "issuer-user", linger: .zero, logger: logger)
        // Revoking sessions reads and writes no MAC-protected field: a throwaway key will do.
        let sessions = SessionStore(
            redis: redis, authenticator: try RecordAuthenticator(ring: .fresh(now: 0)), idleLifetime: settings.refreshTokenTTL,
            maximumAge: settings.sessionMaxAge, reuseGrace: settings.refreshReuseGrace)
        // Signed with the issuer's event key, as the issuer signs (docs/EVENTS.md).
        let publisher = SigningPublisher(
            inner: kafkaPublisher, key: try KeyStore(directory: settings.keystoreDirectory).eventSigningKey())
        let revoker = Revoker(
            redis: redis, publisher: publisher, topic: settings.revocationsTopic, issuer: settings.issuerURL,
            accessTokenTTL: settings.accessTokenTTL, leeway: settings.leeway, deliveryWait: .seconds(10))
        let group = ServiceGroup(
            configuration: .init(services: [redis, kafkaPublisher, producer], gracefulShutdownSignals: [], logger: logger))
        let outcome: Result<(sids: [String], delivered: Bool), any Error> = await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try? await group.run() }
            let outcome = await Result { try await SubjectRevocation(sessions: sessions, revoker: revoker).revokeReporting(subject: name) }
            await group.triggerGracefulShutdown()
            await tasks.waitForAll()
            return outcome
        }
        switch outcome {
        case .success(let result) where result.delivered:
            say("\(name): \(result.sids.count) session(s) revoked because \(reason)")
        case .success:
            throw CommandFailure(
                message: "\(name): revoked in Redis, but the broker did not acknowledge the event within 10 s; "
                    + "a running issuer delivers it from its outbox, or run the command again")
        case .failure(let error):
            throw CommandFailure(message: "\(name): the user store is changed, but the revocation failed (\(error)); run the command again")
        }
    }
}

extension Result where Failure == any Error {
    fileprivate init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
