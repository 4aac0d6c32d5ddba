import CHiredis

/// One hiredis TLS context (`redisSSLContext`, an OpenSSL `SSL_CTX` with the CA and client
/// certificate loaded), shared by every connection of a client and freed in `deinit`.
///
/// `@unchecked Sendable`: after creation the context is only read, to make each connection's
/// `SSL` object (`redisInitiateSSLWithContext`), which OpenSSL allows from any thread for an
/// `SSL_CTX` that is no longer modified; it is freed only in `deinit`, when no connection can
/// use it any more.
package final class HiredisTLS: @unchecked Sendable {
    let context: OpaquePointer

    /// Loads the files once, so that a missing or unreadable file stops the service at start-up
    /// rather than at its first command.
    /// - Throws: `RedisError` `invalidConfiguration` naming what hiredis could not load.
    package init(_ configuration: RedisTLSConfiguration, host: String) throws {
        try configuration.validate()
        _ = openSSLInitialised
        var failure = REDIS_SSL_CTX_NONE
        guard
            let context = redisCreateSSLContext(
                configuration.caFile, nil, configuration.certificateFile, configuration.keyFile,
                configuration.serverName ?? host, &failure)
        else {
            let message = redisSSLContextGetError(failure).map { String(cString: $0) } ?? "unknown error"
            throw RedisError(.invalidConfiguration, command: nil, reason: "TLS: \(message)")
        }
        self.context = context
    }

    deinit {
        redisFreeSSLContext(context)
    }
}

/// OpenSSL 1.1+ initialises itself; hiredis still asks for this call once, before any context.
private let openSSLInitialised: Void = {
    _ = redisInitOpenSSL()
}()
