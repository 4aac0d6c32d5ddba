import Foundation
import Logging
import Metrics
import Synchronization
import TokenKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches the JWKS over HTTP when a token names a `kid` the key events have not brought yet,
/// so that a lagging stream never refuses a valid token.
///
/// At most one fetch starts per cooldown, whatever the number of unknown `kid`s: concurrent
/// callers share the fetch in flight, later ones within the cooldown get `false` at once, so a
/// flood of made-up `kid`s costs the JWKS one request per cooldown. Pass ``refresh()`` as the
/// `refreshKeys:` of `BearerAuthMiddleware`.
public final class JWKSRefresher: Sendable {
    /// Reads a URL's body; replaced in tests.
    public typealias Fetch = @Sendable (URL) async throws -> [UInt8]

    struct State: Sendable {
        var lastStart: ContinuousClock.Instant?
        var inFlight: Task<Bool, Never>?
    }

    /// The JWKS document's URL.
    public let url: URL
    /// The shortest time between two fetches. Default: 5 s.
    public let cooldown: Duration
    let catalog: KeyCatalog
    let fetch: Fetch
    let logger: Logger
    private let state = Mutex(State())

    /// Creates a refresher merging into `catalog`.
    public init(
        url: URL, cooldown: Duration = .seconds(5), catalog: KeyCatalog, logger: Logger, fetch: @escaping Fetch = JWKSRefresher.httpGet
    ) {
        self.url = url
        self.cooldown = cooldown
        self.catalog = catalog
        self.logger = logger
        self.fetch = fetch
        if !Self.isAllowed(url) {
            logger.warning("JWKS_URL is neither https nor loopback http: the fallback fetch will refuse it", metadata: ["url": "\(url)"])
        }
    }

    /// Fetches the JWKS unless a fetch started less than ``cooldown`` ago, and merges its keys.
    /// - Returns: whether a key arrived that the directory did not have, so that a refused
    ///   token is worth a second try.
    public func refresh() async -> Bool {
        let task: Task<Bool, Never>? = state.withLock { state in
            if let inFlight = state.inFlight { return inFlight }
            let now = ContinuousClock.now
            if let last = state.lastStart, now - last < cooldown { return nil }
            state.lastStart = now
            let task = Task { await self.fetchAndMerge() }
            state.inFlight = task
            return task
        }
        guard let task else {
            Counter(label: "jwks_fetches_total", dimensions: [("outcome", "cooldown")]).increment()
            return false
        }
        return await task.value
    }

    private func fetchAndMerge() async -> Bool {
        defer { state.withLock { $0.inFlight = nil } }
        do {
            let body = try await fetch(url)
            try Self.refusePrivateMembers(body)
            let keys = try KeySet(jwks: body).keys
            let isNew = catalog.addFetched(keys, now: Date().timeIntervalSince1970)
            if isNew { catalog.rebuild(now: Date().timeIntervalSince1970) }
            Counter(label: "jwks_fetches_total", dimensions: [("outcome", isNew ? "new_keys" : "nothing_new")]).increment()
            logger.info("JWKS fetched for an unknown kid", metadata: ["keys": "\(keys.count)", "new": "\(isNew)"])
            return isNew
        } catch {
            Counter(label: "jwks_fetches_total", dimensions: [("outcome", "failed")]).increment()
            logger.warning("JWKS fetch failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The largest JWKS body accepted.
    public static let maximumBodySize = 256 * 1024

    /// Members that only a private or secret key has (RFC 7518 section 6).
    static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// Refuses a whole document in which any key has a private member: whoever serves private
    /// keys as the JWKS is not the issuer's JWKS service (or has leaked them), so nothing in it
    /// is trusted.
    /// - Throws: ``FetchError``.
    static func refusePrivateMembers(_ body: [UInt8]) throws {
        guard let document = try? JSONValue.parseObject(body), let keys = document["keys"]?.arrayValue else { return }
        for key in keys {
            guard let object = key.objectValue else { continue }
            if privateMembers.contains(where: { object[$0] != nil }) {
                throw FetchError(description: "JWKS holds a private key member; the whole document is refused")
            }
        }
    }

    /// Whether a JWKS URL may be fetched: `https`, or `http` to a loopback host (the dev cluster).
    public static func isAllowed(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host?.isEmpty == false
        case "http": return ["127.0.0.1", "::1", "[::1]", "localhost"].contains(url.host?.lowercased() ?? "")
        default: return false
        }
    }

    /// GET with a 2-second timeout: only ``isAllowed(_:)`` URLs, no redirect followed, only a 200,
    /// and the body cut off (and refused) as soon as it passes ``maximumBodySize`` while it is read.
    /// - Throws: `URLError`, or ``FetchError`` for a refused URL, a redirect or another status,
    ///   or a body too large.
    @Sendable public static func httpGet(_ url: URL) async throws -> [UInt8] {
        guard isAllowed(url) else { throw FetchError(description: "JWKS URL must be https (or http to loopback)") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 2)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return try await BoundedDownload(limit: maximumBodySize).run(request)
    }

    /// A JWKS fetch that got an answer it cannot use.
    public struct FetchError: Error, CustomStringConvertible {
        public let description: String
    }
}
