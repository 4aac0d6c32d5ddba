import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// What every service's HTTP/1.1 connection gets below the router, so that it covers every
/// answer, the server's own ones included:
///
/// - `Strict-Transport-Security` on every answer of an HTTPS server (an error, a 404 and a
///   parser refusal as much as a 200), by ``StrictTransportSecurity``: a browser that has seen
///   it never talks plain HTTP to the host again, so a network attacker cannot strip TLS from a
///   later visit. A plain-HTTP server has no such handler, so its writes skip one step.
/// - A request whose header block is too large for the parser (a 100 KB bearer token, say) is
///   answered 431 with the JSON error body every other refusal has, then the connection is
///   closed. (Hummingbird's own answer to any parser error is 400 with an empty body.)
public final class HTTPHardening: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundOut = HTTPResponsePart

    /// The HSTS header value on HTTPS servers: one year.
    public static let strictTransportSecurity = "max-age=31536000"

    private let hsts: String?
    private var refused = false

    /// - Parameter hsts: the `Strict-Transport-Security` value, or nil for plain HTTP.
    public init(hsts: String?) {
        self.hsts = hsts
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, parserError == .headerOverflow, !refused else {
            return context.fireErrorCaught(error)
        }
        refused = true
        let body = ByteBuffer(
            string: #"{"error":"invalid_request","error_description":"the request's headers are too large"}"#)
        var fields: HTTPFields = [
            .contentType: "application/json", .cacheControl: "no-store", .connection: "close",
            .contentLength: String(body.readableBytes),
        ]
        if let hsts { fields[.strictTransportSecurity] = hsts }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .requestHeaderFieldsTooLarge, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

extension HTTPHardening {
    /// New handlers for one connection: this one, and ``StrictTransportSecurity`` when `hsts` is set.
    static func handlers(hsts: String?) -> [any RemovableChannelHandler] {
        guard let hsts else { return [HTTPHardening(hsts: nil)] }
        return [HTTPHardening(hsts: hsts), StrictTransportSecurity(hsts)]
    }
}

/// Adds `Strict-Transport-Security` to every answer's head (HTTPS servers only).
final class StrictTransportSecurity: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let value: String

    init(_ value: String) {
        self.value = value
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        head.headerFields[.strictTransportSecurity] = value
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with ``HTTPHardening`` (`hsts` nil for plain HTTP).
    public static func hardenedHTTP1(hsts: String? = nil) -> HTTPServerBuilder {
        // An autoclosure: each connection gets handlers of its own.
        .http1(configuration: .init(additionalChannelHandlers: HTTPHardening.handlers(hsts: hsts)))
    }
}
