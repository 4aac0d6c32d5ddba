import Hummingbird

/// The bare Hummingbird route: the framework's defaults and nothing else (no middleware, no
/// logging or metrics backend), answering the body the resource's `/api/ping` answers.
func bareRouter() -> Router<BasicRequestContext> {
    let router = Router()
    router.get("api/ping") { _, _ in #"{"status":"ok"}"# }
    return router
}
