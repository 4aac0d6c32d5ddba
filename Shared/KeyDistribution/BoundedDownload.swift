import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One GET whose body may not pass `limit` bytes (checked as each chunk arrives: the transfer
/// is cancelled there, never buffered whole first), that follows no redirect, and that accepts
/// only a 200.
///
/// `@unchecked Sendable`: URLSession calls the delegate methods on its own queue; every
/// mutable field lives in the `state` mutex, and the rest is immutable.
final class BoundedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var body: [UInt8] = []
        var failure: (any Error)?
        var continuation: CheckedContinuation<[UInt8], any Error>?
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    func run(_ request: URLRequest) async throws -> [UInt8] {
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            state.withLock { $0.continuation = continuation }
            session.dataTask(with: request).resume()
        }
    }

    private func fail(_ task: URLSessionTask?, _ description: String) {
        state.withLock { if $0.failure == nil { $0.failure = JWKSRefresher.FetchError(description: description) } }
        task?.cancel()
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        // Declining makes the redirect itself the response, refused below; cancelling here
        // instead crashes FoundationNetworking (a redirect callback it no longer waits for).
        fail(nil, "JWKS answered a redirect (\(response.statusCode)); redirects are not followed")
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            fail(dataTask, "JWKS answered \(status)")
            return completionHandler(.cancel)
        }
        guard response.expectedContentLength <= Int64(limit) else {
            fail(dataTask, "JWKS body is larger than \(limit) bytes")
            return completionHandler(.cancel)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge = state.withLock { state in
            guard state.failure == nil else { return false }
            guard state.body.count + data.count <= limit else { return true }
            state.body.append(contentsOf: data)
            return false
        }
        if tooLarge { fail(dataTask, "JWKS body is larger than \(limit) bytes") }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result): (CheckedContinuation<[UInt8], any Error>?, Result<[UInt8], any Error>) = state.withLock { state in
            defer { state.continuation = nil }
            if let failure = state.failure { return (state.continuation, .failure(failure)) }
            if let error { return (state.continuation, .failure(error)) }
            return (state.continuation, .success(state.body))
        }
        continuation?.resume(with: result)
    }
}
