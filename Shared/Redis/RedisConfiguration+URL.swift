extension RedisConfiguration {
    /// A configuration from a URL `redis[s]://[[user]:password@]host[:port][/db]`, other fields
    /// at their defaults. User and password may be percent-encoded. `rediss://` turns TLS on
    /// (trusting the system's store until ``tls`` says otherwise).
    ///
    /// Examples: `redis://127.0.0.1:16379`, `redis://:secret@cache:6380/2`, `rediss://resource@redis:6380`.
    /// - Parameter url: The URL; only the `redis` and `rediss` schemes are accepted.
    /// - Throws: `RedisError` with code `invalidConfiguration` for anything else. The message
    ///   never repeats the URL, which may hold a password.
    public init(url: String) throws {
        func invalid(_ reason: String) -> RedisError {
            RedisError(.invalidConfiguration, command: nil, reason: "Redis URL: \(reason)")
        }
        let secure = url.hasPrefix("rediss://")
        guard secure || url.hasPrefix("redis://") else { throw invalid("scheme must be redis:// or rediss://") }
        var rest = Substring(url.dropFirst(secure ? "rediss://".count : "redis://".count))
        self.init()
        if secure { tls = RedisTLSConfiguration() }

        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let user: Substring
            let password: Substring?
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                password = userInfo[userInfo.index(after: colon)...]
            } else {
                user = userInfo
                password = nil
            }
            let badEncoding = invalid("bad percent-encoding in the credentials")
            guard let decodedUser = Self.percentDecoded(user) else { throw badEncoding }
            self.username = decodedUser.isEmpty ? nil : decodedUser
            if let password {
                guard let decodedPassword = Self.percentDecoded(password) else { throw badEncoding }
                self.password = decodedPassword.isEmpty ? nil : decodedPassword
            }
        }

        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard let database = Int(path), database >= 0 else {
                    throw invalid("database must be a non-negative number")
                }
                self.database = database
            }
        }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]) else {
                throw invalid("port must be a number")
            }
            self.port = port
            authority = authority[..<colon]
        }
        // An IPv6 literal is written in brackets in a URL but passed to hiredis without them.
        if authority.hasPrefix("["), authority.hasSuffix("]") {
            authority = authority.dropFirst().dropLast()
        }
        if !authority.isEmpty { self.host = String(authority) }
        try validate()
    }

    /// `%XX` sequences replaced by their bytes; `nil` when a sequence is malformed.
    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
