import Hummingbird
import Logging
import Metrics

/// The trace every 5xx answer leaves, so an operator can see why users got it: one warning line
/// with the reason (the request logger carries the request id) and
/// `http_server_errors_total{status, reason}`. ``RequestObservation`` leaves it for errors a
/// route throws; middleware that renders errors itself (CORS, which must add its headers to
/// them) leaves it where it renders them.
///
/// The reason is the description of an ``APIError`` (written by us, never holding a secret) or
/// the type name of any other error; client errors (4xx) are not traced.
public enum ServerErrorTrace {
    /// Leaves the trace of `error` if it is answered with a 5xx.
    public static func record<Context: RequestContext>(_ error: any Error, request: Request, context: Context) {
        let (status, reason) = classify(error)
        guard status.code >= 500 else { return }
        context.logger.warning(
            "server error", metadata: ["status": "\(status.code)", "reason": "\(reason)", "path": "\(request.uri.path)"])
        Counter(label: "http_server_errors_total", dimensions: [("status", String(status.code)), ("reason", reason)]).increment()
    }

    /// The status an error is answered with, and its reason.
    static func classify(_ error: any Error) -> (HTTPResponse.Status, String) {
        switch error {
        case let error as APIError: (error.status, error.description)
        case let error as any HTTPResponseError: (error.status, String(describing: type(of: error)))
        default: (.internalServerError, String(describing: type(of: error)))
        }
    }
}
