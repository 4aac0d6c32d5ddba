import Foundation
import Hummingbird
import Logging
import ServiceKit
import TokenKit

/// `POST /auth/login`, `/auth/refresh`, `/auth/logout` and `/auth/logout-all`
/// (CONTRACT.md "Issuer HTTP"; flows in docs/ISSUER.md).
struct AuthController: Sendable {
    let users: any UserStore
    let hasher: PasswordHasher
    let limiter: LoginRateLimiter
    let sessions: SessionStore
    let revoker: Revoker
    let minter: TokenMinter
    let csrf: CSRFGuard
    /// The issuer's own verifier over its own published keys (logout's Bearer token).
    let verifier: AccessTokenVerifier
    let trustedProxies: Set<String>
    /// The refresh cookie's name and attributes (`REFRESH_COOKIE_NAME`).
    let cookie: RefreshCookie
    let metrics = AuthMetrics()

    func addRoutes(to group: RouterGroup<IssuerRequestContext>, bearer: BearerRoutes) {
        group.post("login") { request, context in try await login(request, context: context) }
        group.post("refresh") { request, context in try await refresh(request, context: context) }
        group.post("logout") { request, _ in try await logout(request) }
        bearer.group("logout-all", in: group).post { _, context in try await logoutAll(context) }
        // Preflights: answered by AllowedOriginsCORS for allowed origins, bare 204 otherwise.
        for path in ["login", "refresh", "logout", "logout-all"] {
            group.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
        }
    }

    // MARK: Login

    func login(_ request: Request, context: IssuerRequestContext) async throws -> Response {
        guard let body = try await RequestReading.jsonObject(request) else { throw APIError.invalidRequest("a JSON body is required") }
        let username = try RequestReading.string(body, "username", maximum: 256)
        let password = try RequestReading.string(body, "password", maximum: 1024)
        let inBody = try RequestReading.flag(body, "refresh_token_in_body")
        let address = RequestReading.clientAddress(
            request, peer: context.remoteAddress?.ipAddress, trustedProxies: trustedProxies)

        let attempt: Duration?
        do {
            attempt = try await RedisCall.run { try await limiter.attempt(username: username, address: address) }
        } catch {
            // Counted or not is unknown (a timeout); giving back is the side that never locks out.
            giveBack(username: username, address: address, context: context)
            throw error
        }
        if let wait = attempt {
            // Nothing was counted: a refused attempt never extends the lock-out.
            metrics.count(.rateLimited)
            throw APIError(
                .tooManyRequests, "rate_limited", "too many failed logins; try again later",
                headers: [.retryAfter: String(max(1, Int(wait.seconds.rounded(.up))))])
        }
        do {
            return try await authenticate(username: username, password: password, address: address, inBody: inBody, context: context)
        } catch let error as APIError where error.code == Self.invalidCredentials.code {
            throw error  // a wrong password or an unknown user: the attempt stays counted
        } catch {
            giveBack(username: username, address: address, context: context)
            throw error
        }
    }

    /// The password check and the new session, once the attempt is counted.
    private func authenticate(
        username: String, password: String, address: String, inBody: Bool, context: IssuerRequestContext
    ) async throws -> Response {
        let user: User?
        do {
            user = try await users.user(named: username)
        } catch {
            context.logger.error("user store failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the user store is unavailable")
        }
        // Unknown users are checked against a dummy hash of the same cost: same answer, same time.
        // A disabled user gets the same answer too.
        guard try await hasher.verify(password, against: user?.passwordHash), let user, !user.disabled else {
            metrics.count(.invalidCredentials)
            context.logger.info("login refused")
            throw Self.invalidCredentials
        }
        let now = Date().timeIntervalSince1970
        // The session first: if it fails, the success is not recorded and the caller gives the
        // attempt back instead.
        let (session, refreshToken) = try await RedisCall.run {
            let created = try await sessions.create(subject: user.username, roles: user.roles, now: now)
            try await limiter.recordSuccess(username: username, address: address)
            return created
        }
        let access = try minter.mint(for: session, now: now)
        metrics.count(.ok)
        context.logger.info("login", metadata: ["sub": "\(user.username)", "sid": "\(session.id)"])
        return TokenResponse.make(
            accessToken: access.token, expiresIn: access.expiresIn, refresh: refreshToken,
            cookieMaxAge: sessions.cookieLifetime(of: session, now: now), inBody: inBody, cookie: cookie)
    }

    /// Gives a counted attempt back, in the background: the request may be cancelled, and Redis
    /// may be the reason it failed, so this retries every second until Redis answers or the
    /// counters' window, after which they are gone anyway, has passed.
    private func giveBack(username: String, address: String, context: IssuerRequestContext) {
        let logger = context.logger
        let giveUp = ContinuousClock.now + limiter.window
        Task {
            while true {
                do {
                    return try await RedisCall.run { try await limiter.giveBack(username: username, address: address) }
                } catch {
                    guard ContinuousClock.now < giveUp else {
                        return logger.warning("a login attempt could not be given back", metadata: ["reason": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    // MARK: Refresh

    func refresh(_ request: Request, context: IssuerRequestContext) async throws -> Response {
        let (presented, inBody) = try await presentedRefreshToken(request)
        guard let presented, let token = RefreshToken(presented: presented) else { throw Self.invalidGrant }
        let now = Date().timeIntervalSince1970
        // Prepared before the script so that a detected reuse writes it in the same atomic step.
        let theft = revoker.prepare([revoker.session(id: token.sessionID, now: now)], now: now)[0]
        let outcome = try await RedisCall.run { try await sessions.refresh(token, now: now, theft: theft) }
        metrics.count(outcome)
        switch outcome {
        case .rotated(var session, let successor), .replayed(var session, let successor):
            // The user as the store has it now: deleted or disabled ends the session, changed
            // roles are in the new token.
            guard let user = try await currentUser(session.subject, context: context), !user.disabled else {
                let sid = session.id
                try await RedisCall.run {
                    try await sessions.revoke(sessionID: sid, now: now)
                    try await revoker.revoke([revoker.session(id: sid, now: now)], now: now)
                }
                context.logger.info("refresh refused: the user is gone or disabled; session revoked", metadata: ["sid": "\(sid)"])
                throw Self.invalidGrant
            }
            session.roles = user.roles
            let access = try minter.mint(for: session, now: now)
            return TokenResponse.make(
                accessToken: access.token, expiresIn: access.expiresIn, refresh: successor,
                cookieMaxAge: sessions.cookieLifetime(of: session, now: now), inBody: inBody, cookie: cookie)
        case .stolen(let session):
            // Reuse after the grace window: the script revoked the family and wrote the sid's
            // revocation in Redis in one step; the event goes out now.
            await revoker.publish([theft])
            context.logger.warning("refresh token reuse: session revoked", metadata: ["sid": "\(session.id)"])
            throw Self.invalidGrant
        case .forged:
            context.logger.warning("refresh refused: a session record without the issuer's MAC", metadata: ["sid": "\(token.sessionID)"])
            throw Self.invalidGrant
        case .invalid:
            throw Self.invalidGrant
        }
    }

    /// The user behind a session, read again at every refresh.
    /// - Throws: 503 when the store cannot be read.
    private func currentUser(_ username: String, context: IssuerRequestContext) async throws -> User? {
        do {
            return try await users.user(named: username)
        } catch {
            context.logger.error("user store failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the user store is unavailable")
        }
    }

    /// The refresh token from the JSON body (`{"refresh_token": …}`, non-browser clients, no
    /// cookie involved so no CSRF check), or else from the cookie after the CSRF checks.
    /// On logout (`cookieOptional`) the CSRF checks apply only when the cookie is sent: a
    /// Bearer-only logout carries no ambient credential.
    private func presentedRefreshToken(_ request: Request, cookieOptional: Bool = false) async throws -> (String?, inBody: Bool) {
        if let body = try await RequestReading.jsonObject(request, optional: true), body["refresh_token"] != nil {
            return (try RequestReading.string(body, "refresh_token", maximum: 128), true)
        }
        let value = try cookie.value(in: request)
        if value != nil || !cookieOptional { try csrf.check(request) }
        return (value, false)
    }

    // MARK: Logout

    func logout(_ request: Request) async throws -> Response {
        let (presented, _) = try await presentedRefreshToken(request, cookieOptional: true)
        let bearer = RequestReading.bearerToken(request).flatMap { try? verifier.verify($0) }
        let now = Date().timeIntervalSince1970
        try await RedisCall.run {
            var sids = Set<String>()
            var revocations: [Revoker.Entry] = []
            if let presented, let token = RefreshToken(presented: presented), let sid = try await sessions.sessionID(of: token) {
                sids.insert(sid)
            }
            if let bearer {
                sids.insert(bearer.sessionID)
                revocations.append(revoker.token(id: bearer.tokenID, expiresAt: bearer.expiresAt))
            }
            // A sid revocation is written even for a session that is already dead: harmless, and
            // it covers access tokens of that session still in flight.
            for sid in sids {
                try await sessions.revoke(sessionID: sid, now: now)
                revocations.append(revoker.session(id: sid, now: now))
            }
            try await revoker.revoke(revocations, now: now)
        }
        return Response(status: .noContent, headers: [.setCookie: cookie.cleared, .cacheControl: "no-store"])
    }

    func logoutAll(_ context: IssuerVerifiedContext) async throws -> Response {
        let identity = context.identity
        let everything = SubjectRevocation(sessions: sessions, revoker: revoker)
        _ = try await RedisCall.run { try await everything.revoke(subject: identity.subject) }
        context.logger.info("logout-all", metadata: ["sub": "\(identity.subject)"])
        return Response(status: .noContent, headers: [.setCookie: cookie.cleared, .cacheControl: "no-store"])
    }

    private static let invalidCredentials = APIError(.unauthorized, "invalid_credentials", "the username or password is wrong")

    private static var invalidGrant: APIError {
        APIError(.unauthorized, "invalid_grant", "the refresh token is missing, expired, revoked or spent")
    }
}
