import BearerAuth
import Hummingbird
import ServiceKit
import TokenKit

/// The sample protected API (CONTRACT.md "Resource HTTP"): every route but `/api/ping` needs
/// a bearer token that the ``BearerAuthMiddleware`` verified locally.
struct APIController<Context: BearerAuthenticatable> {
    let authentication: BearerAuthMiddleware<Context>
    let challenge: BearerChallenge

    func addRoutes(to router: Router<Context>) {
        // Unauthenticated: the baseline a load test compares the protected routes with. Its answer
        // never changes, so it is made once (headers and body are shared copy-on-write).
        let pong = Response.json(.object(JSONObject([.init(name: "status", value: .string("ok"))])))
        router.get("api/ping") { _, _ in pong }
        let api = router.authenticated("api", by: authentication)
        api.get("me", use: me)
        api.group("orders").add(middleware: RoleRequirement("user", challenge: challenge)).get(use: orders)
        api.group("admin/audit").add(middleware: RoleRequirement("admin", challenge: challenge)).get(use: audit)
    }

    @Sendable func me(_ request: Request, context: VerifiedRequestContext<Context>) throws -> Response {
        let identity = context.identity
        return .json(
            .object(
                JSONObject([
                    .init(name: "sub", value: .string(identity.subject)),
                    .init(name: "roles", value: .array(identity.roles.map(JSONValue.string))),
                    .init(name: "sid", value: .string(identity.sessionID)),
                    .init(name: "exp", value: .number(identity.expiresAt)),
                ])), headers: [.cacheControl: "no-store"])
    }

    @Sendable func orders(_ request: Request, context: VerifiedRequestContext<Context>) throws -> Response {
        let owner = JSONValue.string(context.identity.subject)
        let orders: [JSONValue] = SampleData.orders.map { order in
            .object(
                JSONObject([
                    .init(name: "id", value: .string(order.id)), .init(name: "item", value: .string(order.item)),
                    .init(name: "quantity", value: .number(Double(order.quantity))),
                    .init(name: "owner", value: owner),
                ]))
        }
        return .json(.object(JSONObject([.init(name: "orders", value: .array(orders))])), headers: [.cacheControl: "no-store"])
    }

    @Sendable func audit(_ request: Request, context: VerifiedRequestContext<Context>) throws -> Response {
        let entries: [JSONValue] = SampleData.audit.map { entry in
            .object(JSONObject([.init(name: "at", value: .number(entry.at)), .init(name: "event", value: .string(entry.event))]))
        }
        return .json(.object(JSONObject([.init(name: "entries", value: .array(entries))])), headers: [.cacheControl: "no-store"])
    }
}

/// Fixed sample records: the API exists to show authorization, not to store anything.
enum SampleData {
    static let orders: [(id: String, item: String, quantity: Int)] = [
        ("ord-1001", "notebook", 2), ("ord-1002", "fountain pen", 1), ("ord-1003", "ink, blue", 3),
    ]
    static let audit: [(at: Double, event: String)] = [
        (1_795_455_600, "key rotated"), (1_795_455_660, "user alice logged in"), (1_795_455_720, "user alice logged out everywhere"),
    ]
}
