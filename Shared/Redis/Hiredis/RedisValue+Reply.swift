import CHiredis

extension RedisValue {
    /// A deep copy of a hiredis reply, so the reply can be freed right after.
    /// - Throws: `RedisError` `protocolError` for a reply type or shape hiredis should not make.
    init(copying reply: UnsafeMutableRawPointer, command: String) throws {
        try self.init(reply: reply.assumingMemoryBound(to: redisReply.self), command: command)
    }

    private init(reply: UnsafePointer<redisReply>, command: String) throws {
        let value = reply.pointee
        func text() -> String {
            guard let start = value.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: start, count: value.len), as: UTF8.self)
        }
        switch value.type {
        case REDIS_REPLY_STRING:
            guard let start = value.str else { self = .bulkString([]); return }
            self = .bulkString(Array(UnsafeRawBufferPointer(start: start, count: value.len)))
        case REDIS_REPLY_STATUS:
            self = .simpleString(text())
        case REDIS_REPLY_ERROR:
            self = .error(text())
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(value.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                guard let element = value.element?[index] else {
                    throw RedisError(.protocolError, command: command, reason: "array with a missing element")
                }
                elements.append(try RedisValue(reply: element, command: command))
            }
            self = .array(elements)
        default:
            throw RedisError(.protocolError, command: command, reason: "unknown reply type \(value.type)")
        }
    }
}
